"""Language, sentiment and intent support for Dutch-language social media posts."""
