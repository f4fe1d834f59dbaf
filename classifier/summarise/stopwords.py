"""Stop words for trend labels: scikit-learn's English list, a Dutch list written for this project, and the
filler of social media (retweet markers, laughter, link debris)."""
from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

DUTCH = frozenset("""
aan aangaande aangezien achter af afgelopen al aldaar aldus alhoewel alle allebei alleen alles als alsnog altijd
ander andere anders behalve beide ben beneden bent bepaald betreffende bij bijna binnen boven bovendien bovenal
daar daardoor daarin daarna daarom daarop dan dat de deden deze die dit doch doen doet door doordat dr du dus
echter een eens eigen elk elke en enig enige enkel er erg ergens even eveneens evenwel gauw ge gedurende geen
gehad gekund geleden gelijk gemoeten gemogen geweest gewoon gewoonweg haar had hadden hare heb hebben hebt heeft
hem hen het hier hierbij hierin hij hoe hoewel hun iedere ik in inmiddels is ja je jij jou jouw jullie kan kon
konden kun kunnen kunt laatst later liever maar me meer men met mij mijn mijzelf misschien mocht mochten moest
moesten moet moeten mogen na naar nadat net niet niets nog nogal nooit nu of ofschoon om omdat omhoog omlaag
omstreeks ondanks onder ons onze ook op over overigens pas precies reeds rond rondom sinds sindsdien slechts
sommige steeds tamelijk te tegen ten tenzij ter terwijl tijdens toch toen tot totdat tussen u uit uw van vanaf
vandaan vanwege veel verder vervolgens vol volgens voor vooraf vooral voordat voorts vrij waar waarom wanneer
want waren was wat we weer weg wegens wel weldra welk welke werd werden wie wiens wier wij wijzelf wil wilde
wilden willen word worden wordt zal ze zei zelf zich zichzelf zij zijn zijne zo zoals zodat zonder zou zouden
zowat zulk zulke zullen zult gaat gaan ga ging gingen komt komen kwam zeggen zegt zie zien ziet echt heel best
helemaal even eigenlijk gewoon jaa nee oke oké ok wel zo'n zn m'n mn d'r t 't dr iets iemand niemand niks
allemaal iedereen alleen hé he hey hoi doei lol haha hahaha xd omg ff effe ffs wtf
""".split())

SOCIAL = frozenset("""
rt amp via gt lt http https www com co im dont cant ive youre thats ill didnt doesnt isnt wont u ur pls plz
""".split())

# The words of the redaction's masks ([gebruiker], [telefoonnummer], [naam], [e-mail], [profiel-link]): texts are
# stored redacted, and a mask says nothing about what a trend is about.
MASKS = frozenset("gebruiker telefoonnummer naam mail profiel link".split())

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | DUTCH | SOCIAL | MASKS
