"""The staff social media policy, written out in each language it is generated in.

Each text is written for its own language, not translated from another: a policy is generated in
the language chosen, whatever the language of the interface. Dutch and French exist in two
forms of address (je/u, tu/vous), following the tone of the plan; English has one. `{name}`
placeholders are filled by policy.py.
"""

import re

Texts = dict[str, str]

# --- Dutch ---------------------------------------------------------------------------------------

_NL: Texts = {
    "title": "# Sociale media: afspraken voor het team van {org}",
    "who_heading": "## Wie spreekt namens {org}?",
    "posts_named": "- **{who_posts}** plaatst de berichten op {channels}.",
    "posts_unnamed": "- Alleen wie daarvoor aangeduid is, plaatst berichten op {channels}.",
    "answers_named": (
        "- **{who_answers}** beantwoordt vragen en reacties namens {org}, binnen {target} "
        "tijdens de openingsuren."
    ),
    "answers_unnamed": (
        "- Wie daarvoor aangeduid is, beantwoordt vragen en reacties namens {org}, binnen "
        "{target} tijdens de openingsuren."
    ),
    "share_heading": "## Berichten van {org} liken en delen",
    "share_encouraged": (
        "Doe dat gerust, het helpt ons echt: elke like en elk gedeeld bericht brengt {org} bij "
        "meer mensen. Een persoonlijk woordje erbij maakt het nog sterker."
    ),
    "confidential_heading": "## Wat vertrouwelijk blijft",
    "conf_customers": "Gegevens van klanten: namen, adressen, bestellingen en vragen",
    "conf_prices": "Prijzen, offertes en contracten die niet publiek zijn",
    "conf_figures": "Interne cijfers: omzet, marges, aantallen",
    "conf_plans": (
        "Plannen die nog niet bekendgemaakt zijn: nieuwe producten, verbouwingen, aanwervingen"
    ),
    "conf_colleagues": (
        "Persoonlijke gegevens van collega's: adres, telefoonnummer, gezondheid, privéleven"
    ),
    "avoid_heading": "## Onderwerpen die we vermijden",
    "photos_heading": "## Foto's en video's op het werk",
    "photos_consent": (
        "Foto's en video's maken op het werk mag, maar enkel met de toestemming van iedereen die "
        "herkenbaar in beeld komt, collega's en klanten. Let ook op de achtergrond: een "
        "computerscherm, een document met klantgegevens, een klant die toevallig in beeld loopt."
    ),
    "photos_never": (
        "Maak op het werk geen foto's of video's om online te zetten. Beelden voor de kanalen van "
        "{org} maakt alleen {poster}."
    ),
    "private_heading": "## Sociale media tijdens de werkuren",
    "private_limited": (
        "Even een bericht bekijken tijdens het werk kan, zolang het kort blijft. Klanten en "
        "collega's gaan altijd voor."
    ),
    "negative_heading": "## Een negatieve reactie of een crisis",
    "negative_forward": (
        "- Neem een schermafdruk en stuur die met de link door naar {answerer}. Zo krijgt de "
        "klant binnen {target} tijdens de openingsuren een antwoord namens {org}."
    ),
    "crisis": (
        "Gaat het om iets groters, zoals een stroom boze reacties, een ongeval, een journalist die "
        "belt of een bericht dat snel rondgaat? Verwittig dan meteen {answerer}. Alleen "
        "{answerer} spreekt dan namens {org}, online en tegenover de pers."
    ),
    "privacy_heading": "## Privacy ({privacy_law})",
    "privacy": (
        "Klanten en collega's hebben recht op privacy. Zet geen namen, foto's, bestellingen of "
        "andere persoonsgegevens online zonder hun toestemming. Stelt een klant online een vraag "
        "over een bestelling of een factuur, vraag dan niets persoonlijks in een openbare reactie: "
        "{answerer} handelt het verder af via een privébericht, e-mail of telefoon."
    ),
    "harassment_heading": "## Pesterijen en bedreigingen",
    "questions_heading": "## Vragen?",
    "poster_fallback": "wie daarvoor aangeduid is",
    "channels_fallback": "de kanalen van {org}",
    "and": "en",
    "minutes": "{n} minuten",
    "hour": "1 uur",
    "hours": "{n} uur",
    "privacy_law_be": "GDPR",
    "privacy_law_nl": "AVG",
}

NL_JE: Texts = {
    **_NL,
    "intro": (
        "Sociale media helpen {org} om klanten te bereiken. Wat jij online over je werk zegt, "
        "lezen ook klanten. Deze afspraken zeggen wat kan en wat niet. Ze gelden voor iedereen "
        "die voor {org} werkt, ook voor jobstudenten en stagiairs, en ook buiten de werkuren "
        "wanneer je het over je werk hebt."
    ),
    "others": (
        "- Alle anderen spreken niet namens {org}. Krijg je online een vraag van een klant, ook "
        "via je eigen account? Antwoord dan niet zelf, maar stuur de vraag door naar {answerer}."
    ),
    "employer_heading": "## Zeggen dat je bij {org} werkt",
    "employer_yes": (
        "Je mag op je eigen profielen vermelden dat je bij {org} werkt, bijvoorbeeld op LinkedIn. "
        "Wie je berichten leest, ziet je dan ook als iemand van {org}: blijf dus vriendelijk en "
        "correct, ook in een discussie."
    ),
    "employer_disclaimer": (
        "Je mag op je eigen profielen vermelden dat je bij {org} werkt. Zet er dan bij dat je "
        "berichten je eigen mening zijn, bijvoorbeeld: “Berichten op dit profiel zijn mijn eigen "
        "mening, niet die van {org}.” Wie je berichten leest, ziet je toch als iemand van {org}: "
        "blijf dus vriendelijk en correct, ook in een discussie."
    ),
    "employer_no": (
        "Vermeld op je eigen profielen niet dat je bij {org} werkt. Zo haalt niemand je "
        "persoonlijke berichten en die van {org} door elkaar."
    ),
    "share_allowed": (
        "Je mag de berichten van {org} liken en delen, maar het hoeft niet. Deel ze zoals ze "
        "zijn, zonder er zelf prijzen of beloftes aan toe te voegen."
    ),
    "share_not": (
        "Like en deel de berichten van {org} niet vanuit je eigen account. Zo blijft duidelijk wat "
        "van {org} komt en wat van jou persoonlijk."
    ),
    "confidential_intro": (
        "Wat je op het werk hoort of ziet, deel je niet online, ook niet in een besloten groep of "
        "een privébericht. Dat geldt zeker voor:"
    ),
    "confidential_intro_none": (
        "Wat je op het werk hoort of ziet en niet publiek is, deel je niet online, ook niet in een "
        "besloten groep of een privébericht."
    ),
    "confidential_after": "Twijfel je of iets vertrouwelijk is? Vraag het dan eerst aan {contact}.",
    "avoid": (
        "Over deze onderwerpen schrijven we niets op de kanalen van {org}: {avoid}. Laat ze ook "
        "rusten wanneer je online over je werk praat."
    ),
    "private_breaks": (
        "Tijdens je pauzes mag je je eigen sociale media gebruiken. Tijdens het werk blijft je "
        "telefoon weg, tenzij je werk erom vraagt."
    ),
    "private_not": (
        "Op het werk gebruik je geen sociale media voor jezelf, ook niet even tussendoor."
    ),
    "negative_intro": (
        "Zie je online een klacht, een slechte beoordeling of een boze reactie over {org}?"
    ),
    "negative_dont_answer": (
        "- Reageer niet zelf, ook niet als je het antwoord weet of de kritiek onterecht vindt."
    ),
    "negative_keep": (
        "- Verwijder of verberg niets, ook niet als je dat kunt: een reactie die verdwijnt, maakt "
        "het bijna altijd erger."
    ),
    "negative_no_discussion": "- Ga niet in discussie, ook niet vanuit je eigen account.",
    "harassment": (
        "Word je online uitgescholden, lastiggevallen of bedreigd omdat je bij {org} werkt? "
        "Reageer niet en ga niet in discussie. Neem schermafdrukken en meld het meteen aan "
        "{contact}. Je staat er niet alleen voor: samen bekijken we wat er moet gebeuren, en bij "
        "bedreigingen stappen we naar de politie."
    ),
    "questions": (
        "Heb je een vraag over deze afspraken, of twijfel je over een bericht? Vraag het aan "
        "{contact}. Beter één keer te veel gevraagd dan één keer te weinig."
    ),
    "closing": (
        "We passen deze afspraken aan wanneer dat nodig is. Als er iets verandert, laten we het "
        "je weten."
    ),
    "answerer_fallback": "je leidinggevende",
}

NL_U: Texts = {
    **_NL,
    "intro": (
        "Sociale media helpen {org} om klanten te bereiken. Wat u online over uw werk zegt, "
        "lezen ook klanten. Deze afspraken zeggen wat kan en wat niet. Ze gelden voor iedereen "
        "die voor {org} werkt, ook voor jobstudenten en stagiairs, en ook buiten de werkuren "
        "wanneer u het over uw werk hebt."
    ),
    "others": (
        "- Alle anderen spreken niet namens {org}. Krijgt u online een vraag van een klant, ook "
        "via uw eigen account? Antwoord dan niet zelf, maar stuur de vraag door naar {answerer}."
    ),
    "employer_heading": "## Zeggen dat u bij {org} werkt",
    "employer_yes": (
        "U mag op uw eigen profielen vermelden dat u bij {org} werkt, bijvoorbeeld op LinkedIn. "
        "Wie uw berichten leest, ziet u dan ook als iemand van {org}: blijf dus vriendelijk en "
        "correct, ook in een discussie."
    ),
    "employer_disclaimer": (
        "U mag op uw eigen profielen vermelden dat u bij {org} werkt. Vermeld er dan bij dat uw "
        "berichten uw eigen mening zijn, bijvoorbeeld: “Berichten op dit profiel zijn mijn eigen "
        "mening, niet die van {org}.” Wie uw berichten leest, ziet u toch als iemand van {org}: "
        "blijf dus vriendelijk en correct, ook in een discussie."
    ),
    "employer_no": (
        "Vermeld op uw eigen profielen niet dat u bij {org} werkt. Zo haalt niemand uw "
        "persoonlijke berichten en die van {org} door elkaar."
    ),
    "share_allowed": (
        "U mag de berichten van {org} liken en delen, maar het hoeft niet. Deel ze zoals ze zijn, "
        "zonder er zelf prijzen of beloftes aan toe te voegen."
    ),
    "share_not": (
        "Like en deel de berichten van {org} niet vanuit uw eigen account. Zo blijft duidelijk wat "
        "van {org} komt en wat van u persoonlijk."
    ),
    "confidential_intro": (
        "Wat u op het werk hoort of ziet, deelt u niet online, ook niet in een besloten groep of "
        "een privébericht. Dat geldt zeker voor:"
    ),
    "confidential_intro_none": (
        "Wat u op het werk hoort of ziet en niet publiek is, deelt u niet online, ook niet in een "
        "besloten groep of een privébericht."
    ),
    "confidential_after": (
        "Twijfelt u of iets vertrouwelijk is? Vraag het dan eerst aan {contact}."
    ),
    "avoid": (
        "Over deze onderwerpen schrijven we niets op de kanalen van {org}: {avoid}. Laat ze ook "
        "rusten wanneer u online over uw werk praat."
    ),
    "private_breaks": (
        "Tijdens uw pauzes mag u uw eigen sociale media gebruiken. Tijdens het werk blijft uw "
        "telefoon weg, tenzij uw werk erom vraagt."
    ),
    "private_not": (
        "Op het werk gebruikt u geen sociale media voor uzelf, ook niet even tussendoor."
    ),
    "negative_intro": (
        "Ziet u online een klacht, een slechte beoordeling of een boze reactie over {org}?"
    ),
    "negative_dont_answer": (
        "- Reageer niet zelf, ook niet als u het antwoord weet of de kritiek onterecht vindt."
    ),
    "negative_keep": (
        "- Verwijder of verberg niets, ook niet als u dat kunt: een reactie die verdwijnt, maakt "
        "het bijna altijd erger."
    ),
    "negative_no_discussion": "- Ga niet in discussie, ook niet vanuit uw eigen account.",
    "harassment": (
        "Wordt u online uitgescholden, lastiggevallen of bedreigd omdat u bij {org} werkt? "
        "Reageer niet en ga niet in discussie. Neem schermafdrukken en meld het meteen aan "
        "{contact}. U staat er niet alleen voor: samen bekijken we wat er moet gebeuren, en bij "
        "bedreigingen stappen we naar de politie."
    ),
    "questions": (
        "Hebt u een vraag over deze afspraken, of twijfelt u over een bericht? Vraag het aan "
        "{contact}. Beter één keer te veel gevraagd dan één keer te weinig."
    ),
    "closing": (
        "We passen deze afspraken aan wanneer dat nodig is. Als er iets verandert, laten we het "
        "u weten."
    ),
    "answerer_fallback": "uw leidinggevende",
}

# --- French --------------------------------------------------------------------------------------

_FR: Texts = {
    "title": "# Réseaux sociaux : la charte de l'équipe {de_org}",
    "who_heading": "## Qui parle au nom {de_org} ?",
    "posts_named": "- **{who_posts}** publie les messages sur {channels}.",
    "posts_unnamed": "- Seule la personne désignée pour cela publie des messages sur {channels}.",
    "answers_named": (
        "- **{who_answers}** répond aux questions et aux commentaires au nom {de_org}, dans un "
        "délai de {target} pendant les heures d'ouverture."
    ),
    "answers_unnamed": (
        "- La personne désignée pour cela répond aux questions et aux commentaires au nom "
        "{de_org}, dans un délai de {target} pendant les heures d'ouverture."
    ),
    "share_heading": "## Aimer et partager les publications {de_org}",
    "confidential_heading": "## Ce qui reste confidentiel",
    "conf_customers": "Les données des clients : noms, adresses, commandes et demandes",
    "conf_prices": "Les prix, devis et contrats qui ne sont pas publics",
    "conf_figures": "Les chiffres internes : chiffre d'affaires, marges, volumes",
    "conf_plans": "Les projets pas encore annoncés : nouveaux produits, travaux, recrutements",
    "conf_colleagues": (
        "Les données personnelles des collègues : adresse, numéro de téléphone, santé, vie privée"
    ),
    "avoid_heading": "## Les sujets que nous évitons",
    "photos_heading": "## Photos et vidéos au travail",
    "private_heading": "## Les réseaux sociaux pendant les heures de travail",
    "private_limited": (
        "Jeter un coup d'œil à un message pendant le travail, c'est possible, tant que cela reste "
        "bref. Les clients et les collègues passent toujours en premier."
    ),
    "negative_heading": "## Une réaction négative ou une crise",
    "privacy_heading": "## Vie privée ({privacy_law})",
    "harassment_heading": "## Harcèlement et menaces",
    "questions_heading": "## Des questions ?",
    "poster_fallback": "la personne désignée pour cela",
    "channels_fallback": "les canaux {de_org}",
    "and": "et",
    "minutes": "{n} minutes",
    "hour": "1 heure",
    "hours": "{n} heures",
    "privacy_law_be": "RGPD",
    "privacy_law_nl": "RGPD",
}

FR_TU: Texts = {
    **_FR,
    "intro": (
        "Les réseaux sociaux aident {org} à toucher ses clients. Ce que tu écris en ligne sur ton "
        "travail, nos clients le lisent aussi. Cette charte dit ce qui est permis et ce qui ne "
        "l'est pas. Elle vaut pour toute personne qui travaille chez {org}, y compris les "
        "étudiants jobistes et les stagiaires, et aussi en dehors des heures de travail quand tu "
        "parles de ton travail."
    ),
    "others": (
        "- Les autres ne parlent pas au nom {de_org}. Un client te pose une question en ligne, "
        "même sur ton compte personnel ? Ne réponds pas toi-même, transmets-la à {answerer}."
    ),
    "employer_heading": "## Dire que tu travailles chez {org}",
    "employer_yes": (
        "Tu peux indiquer sur tes profils personnels que tu travailles chez {org}, par exemple "
        "sur LinkedIn. Ceux qui te lisent te voient alors aussi comme quelqu'un {de_org} : garde "
        "donc un ton aimable et correct, même dans une discussion."
    ),
    "employer_disclaimer": (
        "Tu peux indiquer sur tes profils personnels que tu travailles chez {org}. Précise alors "
        "que tu t'exprimes en ton nom, par exemple : « Mes publications n'engagent que moi et "
        "non {org}. » Ceux qui te lisent te voient quand même comme quelqu'un {de_org} : garde "
        "donc un ton aimable et correct, même dans une discussion."
    ),
    "employer_no": (
        "N'indique pas sur tes profils personnels que tu travailles chez {org}. Ainsi, personne "
        "ne confond tes publications personnelles avec celles {de_org}."
    ),
    "share_encouraged": (
        "N'hésite pas : chaque « j'aime » et chaque partage fait connaître {org} à plus de monde. "
        "Un petit mot personnel en plus, c'est encore mieux."
    ),
    "share_allowed": (
        "Tu peux aimer et partager les publications {de_org}, mais ce n'est pas une obligation. "
        "Partage-les telles quelles, sans y ajouter toi-même des prix ou des promesses."
    ),
    "share_not": (
        "N'aime pas et ne partage pas les publications {de_org} depuis ton compte personnel. "
        "Ainsi, on distingue clairement ce qui vient {de_org} et ce qui vient de toi."
    ),
    "confidential_intro": (
        "Ce que tu vois ou entends au travail, tu ne le partages pas en ligne, pas même dans un "
        "groupe fermé ou un message privé. C'est en particulier le cas pour :"
    ),
    "confidential_intro_none": (
        "Ce que tu vois ou entends au travail et qui n'est pas public, tu ne le partages pas en "
        "ligne, pas même dans un groupe fermé ou un message privé."
    ),
    "confidential_after": "Tu hésites ? Demande d'abord à {contact}.",
    "avoid": (
        "Sur les canaux {de_org}, nous ne parlons pas de ces sujets : {avoid}. Évite-les aussi "
        "quand tu parles de ton travail en ligne."
    ),
    "photos_consent": (
        "Tu peux prendre des photos et des vidéos au travail, mais seulement avec l'accord de "
        "toutes les personnes reconnaissables, collègues comme clients. Fais aussi attention à "
        "l'arrière-plan : un écran d'ordinateur, un document avec des données de clients, un "
        "client qui passe dans le champ."
    ),
    "photos_never": (
        "Ne prends pas de photos ni de vidéos au travail pour les publier en ligne. Les images "
        "pour les canaux {de_org}, c'est {poster} qui s'en charge."
    ),
    "private_breaks": (
        "Pendant tes pauses, tu peux utiliser tes réseaux sociaux personnels. Pendant le travail, "
        "ton GSM reste de côté, sauf si ton travail le demande."
    ),
    "private_not": (
        "Au travail, tu n'utilises pas les réseaux sociaux à titre personnel, même pas un instant."
    ),
    "negative_intro": (
        "Tu vois en ligne une plainte, un mauvais avis ou un commentaire fâché sur {org} ?"
    ),
    "negative_dont_answer": (
        "- Ne réponds pas toi-même, même si tu connais la réponse ou si tu trouves la critique "
        "injuste."
    ),
    "negative_forward": (
        "- Fais une capture d'écran et transmets-la avec le lien à {answerer}. Le client reçoit "
        "ainsi une réponse au nom {de_org} dans un délai de {target} pendant les heures "
        "d'ouverture."
    ),
    "negative_keep": (
        "- Ne supprime rien et ne masque rien, même si tu en as la possibilité : un commentaire "
        "qui disparaît aggrave presque toujours les choses."
    ),
    "negative_no_discussion": (
        "- N'entre pas dans la discussion, pas même depuis ton compte personnel."
    ),
    "crisis": (
        "S'agit-il de quelque chose de plus grave, comme une avalanche de réactions fâchées, un "
        "accident, un journaliste qui appelle ou un message qui circule partout ? Préviens alors "
        "immédiatement {answerer}. Dans ce cas, c'est {answerer} qui parle au nom {de_org}, en "
        "ligne comme avec la presse."
    ),
    "privacy": (
        "Les clients et les collègues ont droit au respect de leur vie privée. Ne mets pas en "
        "ligne de noms, de photos, de commandes ni d'autres données personnelles sans leur "
        "accord. Si un client pose en ligne une question sur une commande ou une facture, ne lui "
        "demande rien de personnel dans une réponse publique : {answerer} poursuit la "
        "conversation par message privé, par e-mail ou par téléphone."
    ),
    "harassment": (
        "Quelqu'un t'insulte, te harcèle ou te menace en ligne parce que tu travailles chez "
        "{org} ? Ne réponds pas et n'entre pas dans la discussion. Fais des captures d'écran et "
        "signale-le immédiatement à {contact}. Nous ne te laissons pas tomber : ensemble, nous "
        "voyons ce qu'il faut faire et, en cas de menaces, nous portons plainte à la police."
    ),
    "questions": (
        "Tu as une question sur cette charte ou tu hésites avant de publier quelque chose ? "
        "Demande à {contact}. Mieux vaut demander une fois de trop qu'une fois de trop peu."
    ),
    "closing": (
        "Nous adaptons cette charte quand c'est nécessaire. Nous te préviendrons si quelque chose "
        "change."
    ),
    "answerer_fallback": "ton responsable",
}

FR_VOUS: Texts = {
    **_FR,
    "intro": (
        "Les réseaux sociaux aident {org} à toucher ses clients. Ce que vous écrivez en ligne sur "
        "votre travail, nos clients le lisent aussi. Cette charte dit ce qui est permis et ce qui "
        "ne l'est pas. Elle vaut pour toute personne qui travaille chez {org}, y compris les "
        "étudiants jobistes et les stagiaires, et aussi en dehors des heures de travail lorsque "
        "vous parlez de votre travail."
    ),
    "others": (
        "- Les autres ne parlent pas au nom {de_org}. Un client vous pose une question en ligne, "
        "même sur votre compte personnel ? Ne répondez pas vous-même, transmettez-la à "
        "{answerer}."
    ),
    "employer_heading": "## Dire que vous travaillez chez {org}",
    "employer_yes": (
        "Vous pouvez indiquer sur vos profils personnels que vous travaillez chez {org}, par "
        "exemple sur LinkedIn. Ceux qui vous lisent vous voient alors aussi comme quelqu'un "
        "{de_org} : gardez donc un ton aimable et correct, même dans une discussion."
    ),
    "employer_disclaimer": (
        "Vous pouvez indiquer sur vos profils personnels que vous travaillez chez {org}. Précisez "
        "alors que vous vous exprimez en votre nom, par exemple : « Mes publications n'engagent "
        "que moi et non {org}. » Ceux qui vous lisent vous voient quand même comme quelqu'un "
        "{de_org} : gardez donc un ton aimable et correct, même dans une discussion."
    ),
    "employer_no": (
        "N'indiquez pas sur vos profils personnels que vous travaillez chez {org}. Ainsi, "
        "personne ne confond vos publications personnelles avec celles {de_org}."
    ),
    "share_encouraged": (
        "N'hésitez pas : chaque « j'aime » et chaque partage fait connaître {org} à plus de "
        "monde. Un petit mot personnel en plus, c'est encore mieux."
    ),
    "share_allowed": (
        "Vous pouvez aimer et partager les publications {de_org}, mais ce n'est pas une "
        "obligation. Partagez-les telles quelles, sans y ajouter vous-même des prix ou des "
        "promesses."
    ),
    "share_not": (
        "N'aimez pas et ne partagez pas les publications {de_org} depuis votre compte personnel. "
        "Ainsi, on distingue clairement ce qui vient {de_org} et ce qui vient de vous."
    ),
    "confidential_intro": (
        "Ce que vous voyez ou entendez au travail, vous ne le partagez pas en ligne, pas même "
        "dans un groupe fermé ou un message privé. C'est en particulier le cas pour :"
    ),
    "confidential_intro_none": (
        "Ce que vous voyez ou entendez au travail et qui n'est pas public, vous ne le partagez "
        "pas en ligne, pas même dans un groupe fermé ou un message privé."
    ),
    "confidential_after": "Vous hésitez ? Demandez d'abord à {contact}.",
    "avoid": (
        "Sur les canaux {de_org}, nous ne parlons pas de ces sujets : {avoid}. Évitez-les aussi "
        "lorsque vous parlez de votre travail en ligne."
    ),
    "photos_consent": (
        "Vous pouvez prendre des photos et des vidéos au travail, mais seulement avec l'accord "
        "de toutes les personnes reconnaissables, collègues comme clients. Faites aussi attention "
        "à l'arrière-plan : un écran d'ordinateur, un document avec des données de clients, un "
        "client qui passe dans le champ."
    ),
    "photos_never": (
        "Ne prenez pas de photos ni de vidéos au travail pour les publier en ligne. Les images "
        "pour les canaux {de_org}, c'est {poster} qui s'en charge."
    ),
    "private_breaks": (
        "Pendant vos pauses, vous pouvez utiliser vos réseaux sociaux personnels. Pendant le "
        "travail, votre GSM reste de côté, sauf si votre travail le demande."
    ),
    "private_not": (
        "Au travail, vous n'utilisez pas les réseaux sociaux à titre personnel, même pas un "
        "instant."
    ),
    "negative_intro": (
        "Vous voyez en ligne une plainte, un mauvais avis ou un commentaire fâché sur {org} ?"
    ),
    "negative_dont_answer": (
        "- Ne répondez pas vous-même, même si vous connaissez la réponse ou si vous trouvez la "
        "critique injuste."
    ),
    "negative_forward": (
        "- Faites une capture d'écran et transmettez-la avec le lien à {answerer}. Le client "
        "reçoit ainsi une réponse au nom {de_org} dans un délai de {target} pendant les heures "
        "d'ouverture."
    ),
    "negative_keep": (
        "- Ne supprimez rien et ne masquez rien, même si vous en avez la possibilité : un "
        "commentaire qui disparaît aggrave presque toujours les choses."
    ),
    "negative_no_discussion": (
        "- N'entrez pas dans la discussion, pas même depuis votre compte personnel."
    ),
    "crisis": (
        "S'agit-il de quelque chose de plus grave, comme une avalanche de réactions fâchées, un "
        "accident, un journaliste qui appelle ou un message qui circule partout ? Prévenez alors "
        "immédiatement {answerer}. Dans ce cas, c'est {answerer} qui parle au nom {de_org}, en "
        "ligne comme avec la presse."
    ),
    "privacy": (
        "Les clients et les collègues ont droit au respect de leur vie privée. Ne mettez pas en "
        "ligne de noms, de photos, de commandes ni d'autres données personnelles sans leur "
        "accord. Si un client pose en ligne une question sur une commande ou une facture, ne lui "
        "demandez rien de personnel dans une réponse publique : {answerer} poursuit la "
        "conversation par message privé, par e-mail ou par téléphone."
    ),
    "harassment": (
        "Quelqu'un vous insulte, vous harcèle ou vous menace en ligne parce que vous travaillez "
        "chez {org} ? Ne répondez pas et n'entrez pas dans la discussion. Faites des captures "
        "d'écran et signalez-le immédiatement à {contact}. Nous ne vous laissons pas tomber : "
        "ensemble, nous voyons ce qu'il faut faire et, en cas de menaces, nous portons plainte à "
        "la police."
    ),
    "questions": (
        "Vous avez une question sur cette charte ou vous hésitez avant de publier quelque chose ? "
        "Demandez à {contact}. Mieux vaut demander une fois de trop qu'une fois de trop peu."
    ),
    "closing": (
        "Nous adaptons cette charte lorsque c'est nécessaire. Nous vous préviendrons si quelque "
        "chose change."
    ),
    "answerer_fallback": "votre responsable",
}

# --- English -------------------------------------------------------------------------------------

EN: Texts = {
    "title": "# Social media guidelines for everyone at {org}",
    "intro": (
        "Social media helps {org} reach customers. What you say online about your work is read by "
        "customers too. These guidelines say what is fine and what is not. They apply to "
        "everyone who works for {org}, including students and interns, and also outside working "
        "hours when you talk about your work."
    ),
    "who_heading": "## Who speaks for {org}?",
    "posts_named": "- **{who_posts}** posts on {channels}.",
    "posts_unnamed": "- Only the person appointed for it posts on {channels}.",
    "answers_named": (
        "- **{who_answers}** answers questions and comments on behalf of {org}, within {target} "
        "during opening hours."
    ),
    "answers_unnamed": (
        "- The person appointed for it answers questions and comments on behalf of {org}, within "
        "{target} during opening hours."
    ),
    "others": (
        "- Nobody else speaks for {org}. If a customer asks you a question online, even on your "
        "own account, do not answer it yourself: pass it on to {answerer}."
    ),
    "employer_heading": "## Saying you work at {org}",
    "employer_yes": (
        "You may say on your own profiles that you work at {org}, for example on LinkedIn. "
        "People who read your posts will then see you as someone from {org}: keep it friendly "
        "and polite, also in a discussion."
    ),
    "employer_disclaimer": (
        "You may say on your own profiles that you work at {org}. If you do, add that your posts "
        "are your own opinion, for example: “Views are my own, not those of {org}.” People who "
        "read your posts still see you as someone from {org}: keep it friendly and polite, also "
        "in a discussion."
    ),
    "employer_no": (
        "Please do not say on your own profiles that you work at {org}. That way nobody mixes up "
        "your personal posts with those of {org}."
    ),
    "share_heading": "## Liking and sharing posts by {org}",
    "share_encouraged": (
        "Please do: every like and every share brings {org} to more people. A personal word with "
        "it makes it even better."
    ),
    "share_allowed": (
        "You may like and share posts by {org}, but you do not have to. Share them as they are, "
        "without adding prices or promises of your own."
    ),
    "share_not": (
        "Do not like or share posts by {org} from your own account. That keeps it clear what "
        "comes from {org} and what comes from you personally."
    ),
    "confidential_heading": "## What stays confidential",
    "confidential_intro": (
        "Do not share what you see or hear at work online, not even in a closed group or a "
        "private message. This applies in particular to:"
    ),
    "confidential_intro_none": (
        "Do not share anything you see or hear at work that is not public: not online, not in a "
        "closed group and not in a private message."
    ),
    "confidential_after": "Not sure whether something is confidential? Ask {contact} first.",
    "conf_customers": "Customer data: names, addresses, orders and questions",
    "conf_prices": "Prices, quotes and contracts that are not public",
    "conf_figures": "Internal figures: turnover, margins, volumes",
    "conf_plans": "Plans not yet announced: new products, renovations, hiring",
    "conf_colleagues": "Colleagues' personal details: address, phone number, health, private life",
    "avoid_heading": "## Topics we stay away from",
    "avoid": (
        "On the channels of {org} we do not write about these topics: {avoid}. Leave them alone "
        "too when you talk about your work online."
    ),
    "photos_heading": "## Photos and videos at work",
    "photos_consent": (
        "You may take photos and videos at work, but only with the consent of everyone who can "
        "be recognised, colleagues and customers alike. Mind the background too: a computer "
        "screen, a document with customer details, a customer who walks into the picture."
    ),
    "photos_never": (
        "Do not take photos or videos at work to put online. Pictures for the channels of {org} "
        "are taken only by {poster}."
    ),
    "private_heading": "## Social media during working hours",
    "private_breaks": (
        "You may use your own social media during your breaks. While you work, your phone stays "
        "away unless your work needs it."
    ),
    "private_limited": (
        "A quick look at a message during work is fine, as long as it stays short. Customers and "
        "colleagues always come first."
    ),
    "private_not": "At work you do not use social media for yourself, not even for a moment.",
    "negative_heading": "## A negative reaction or a crisis",
    "negative_intro": (
        "Do you see a complaint, a bad review or an angry comment about {org} online?"
    ),
    "negative_dont_answer": (
        "- Do not answer it yourself, even if you know the answer or find the criticism unfair."
    ),
    "negative_forward": (
        "- Take a screenshot and send it with the link to {answerer}. That way the customer gets "
        "an answer on behalf of {org} within {target} during opening hours."
    ),
    "negative_keep": (
        "- Do not delete or hide anything, even if you can: a comment that disappears almost "
        "always makes things worse."
    ),
    "negative_no_discussion": "- Do not get into a discussion, not even from your own account.",
    "crisis": (
        "Is it something bigger, such as a flood of angry reactions, an accident, a journalist "
        "calling or a post that spreads fast? Tell {answerer} straight away. Then only "
        "{answerer} speaks for {org}, online and to the press."
    ),
    "privacy_heading": "## Privacy ({privacy_law})",
    "privacy": (
        "Customers and colleagues have a right to privacy. Do not put names, photos, orders or "
        "other personal data online without their consent. If a customer asks online about an "
        "order or an invoice, do not ask for anything personal in a public reply: {answerer} "
        "takes it further by private message, e-mail or phone."
    ),
    "harassment_heading": "## Harassment and threats",
    "harassment": (
        "Are you insulted, harassed or threatened online because you work at {org}? Do not reply "
        "and do not get into a discussion. Take screenshots and report it straight away to "
        "{contact}. You are not on your own: together we decide what to do, and we go to the "
        "police with threats."
    ),
    "questions_heading": "## Questions?",
    "questions": (
        "Do you have a question about these guidelines, or are you unsure about a post? Ask "
        "{contact}. Better to ask once too often than once too little."
    ),
    "closing": (
        "We change these guidelines when needed. We will let you know when something changes."
    ),
    "answerer_fallback": "your manager",
    "poster_fallback": "the person appointed for it",
    "channels_fallback": "the channels of {org}",
    "and": "and",
    "minutes": "{n} minutes",
    "hour": "1 hour",
    "hours": "{n} hours",
    "privacy_law_be": "GDPR",
    "privacy_law_nl": "GDPR",
}


def _french_spacing(texts: Texts) -> Texts:
    """French typography: a non-breaking space before : ? ! ; and inside « »."""
    spaced = {}
    for key, text in texts.items():
        text = re.sub(r" ([:?!;»])", "\u00a0\\1", text)
        spaced[key] = text.replace("« ", "«\u00a0")
    return spaced


# Language -> tone -> texts; English addresses everyone the same way.
TEXTS: dict[str, dict[str, Texts]] = {
    "nl": {"informal": NL_JE, "formal": NL_U},
    "fr": {"informal": _french_spacing(FR_TU), "formal": _french_spacing(FR_VOUS)},
    "en": {"informal": EN, "formal": EN},
}
assert all(set(t) == set(EN) for tones in TEXTS.values() for t in tones.values())
