"""Understanding Dutch (and French, English, German) social posts, offline. Imports no Django."""
