"""What a customer's answer to a booking request means: confirm, decline, another time, call me,
or "a person has to read this".

The request says "Answer OK to confirm" and the hub confirms on its own only when it is sure:
a false confirmation sends a technician to a house where nobody is home, while a missed one
costs a dispatcher one click. So the rules lean one way throughout. A reply confirms when it
says yes (in Norwegian, Swedish, Danish or English: customers write in any of them, and the
three Scandinavian languages share most of their words) and nothing else that the rules cannot
read: any negation, condition, question, "but", other day or unknown word either changes the
intent or keeps the confidence under :data:`CONFIRM_THRESHOLD`.

How a reply is read:

1. :func:`_own_words`: Unicode normalised (NFKC), the quoted original and everything below an
   "On ... wrote:" / "Den ... skrev:" / "Fra:" header block / "-- " / "Sent from my iPhone"
   cut off, e-mail addresses and links dropped, and a booking code left in the text removed
   (the quoted request itself says "Answer OK", which must never count as the answer).
2. :func:`_hits`: the text split into clauses (at punctuation, line breaks, "but", "if"), words
   lower-cased with repeated letters squeezed ("okkk", "jaaa", "takk" and "tak" meet), and
   matched, longest phrase first, against one lexicon of cues (:class:`_Cue`): "passer ikke"
   is one decline, not a yes and a negation. Words not in the lexicon stay as unknown hits.
3. :class:`_Reading`: what the cues add up to (a yes negated in its own clause, a time with
   "after" before it, a question by "?", by a question word or by verb-first word order).
4. :func:`_decide`: an ordered list of rules: contact, reschedule, unsure, decline, dispute,
   question or condition, confirm; the first that applies wins.

No statistics and no dependencies: every decision can be traced to a word list, and a
dispatcher's "why did this confirm?" has an answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Final


class Intent(StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"
    RESCHEDULE = "reschedule"
    CONTACT_ME = "contact_me"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Classification:
    """The intent read from a reply, and how much the rules trust that reading (0 to 1)."""

    intent: Intent
    confidence: float


CONFIRM_THRESHOLD: Final = 0.85
"""The caller confirms a booking on its own only for CONFIRM at or above this confidence.
A clear yes scores 0.95; one word the rules do not know, a day or time named in the reply,
a "but" or only an acknowledgement ("noted", 🙂) brings it under."""

# Confidences. Only CONFIRM's are acted on; the others tell a reader how clear the reply was.
_EXACT_OK: Final = 1.0  # the old system's only accepted answer
_CLEAR_YES: Final = 0.95
_ACK_ONLY: Final = 0.7
_UNKNOWN_WORD_COST: Final = 0.12
_TIME_COST: Final = 0.15
_HEDGED: Final = 0.7  # "det passer nok", "should be ok": probably a yes, a person confirms
_WITH_CAVEAT: Final = 0.5  # "ok, but the dog is loose": yes, with something to tell the technician
_FLOOR: Final = 0.3
_SURE: Final = 0.9
_LIKELY: Final = 0.8
_WEAK: Final = 0.6
_NOTHING: Final = 0.0
_MAX_READ: Final = 2000
"""Characters of the customer's own words (quotes and signatures gone) the rules read. A longer
reply is no plain yes whatever it says, and goes to a person unread."""


# ------------------------------------------------------------------------------------ lexicon


class _Cue(Enum):
    """What a word or phrase contributes to a reading."""

    YES = "yes"  # ok, ja, passer fint, sounds good, 👍
    ACK = "ack"  # acknowledges without saying yes: notert, received, 🙂
    NO = "no"  # a bare no: nei, nej, no
    DECLINE = "decline"  # the time does not work: passer ikke, bortreist, avbestill, 👎
    NEGATION = "negation"  # ikke, inte, not: a yes in the same clause becomes a decline
    REGRET = "regret"  # dessverre, tyvärr, sorry, 😢
    RESCHEDULE = "reschedule"  # asks for another time: i stedet, flytte, senere, neste uke
    PROPOSE = "propose"  # hva med, how about: a reschedule when a time follows
    SHIFT = "shift"  # etter, før, after: a reschedule when a time follows
    UNTIL = "until"  # til, till, until: a reschedule when a clock time follows
    TIME = "time"  # fredag, uke, ettermiddag, lunsj
    CLOCK = "clock"  # kl, 12, 14:30, pm
    CONTACT = "contact"  # ring meg, kontakt, call me
    CONDITION = "condition"  # hvis, if, unless, kun, om mulig
    CONTRAST = "contrast"  # men, but, ps, obs: what follows may take back the yes
    QUESTION = "question"  # hva, hvem, hvor mye, lurer på (a question at the start of a clause)
    UNSURE = "unsure"  # kanskje, vet ikke, må sjekke
    HEDGE = "hedge"  # nok, tror, should, hopefully: a yes, but not a sure one
    DISPUTE = "dispute"  # ikke bestilt, feil adresse: the booking itself is in question
    THANKS = "thanks"
    GREETING = "greeting"
    SIGNOFF = "signoff"  # mvh, hilsen, kind regards: what follows may be a name and a phone
    FILLER = "filler"  # words that change nothing: det, er, vi, the, booking, elektrikeren
    OTHER = "other"  # read, but not understood as an answer: "last week"
    DOORBELL = "doorbell"  # ring på (døra): an instruction, or "call" when a number follows
    UNKNOWN = "unknown"  # not in the lexicon
    PHONE = "phone"  # a long number


def _squeeze(word: str) -> str:
    """A word with every run of one letter cut to one: "okkk" = "ok", "jaaa" = "ja", and the
    Norwegian "takk" meets the Danish "tak". Both the lexicon and the text go through it."""
    return re.sub(r"([^\W\d_])\1+", r"\1", word)


def _entries(cue: _Cue, *lists: str) -> dict[tuple[str, ...], _Cue]:
    """Lexicon entries from comma-separated phrase lists (one list per language, for reading)."""
    return {
        tuple(_squeeze(word) for word in phrase.split()): cue
        for words in lists
        for phrase in words.split(",")
        if phrase.strip()
    }


_YES_EMOJI: Final = "👍 👌 ✅ ✔ ☑ 🆗 🤝 💯 🙌 👏"
_ACK_EMOJI: Final = "🙂 😊 😀 😃 😄 😁 😆 😅 ☺ 😉 🙏 ❤ ♥ 💙 💚 💛 💪 😎 🥰 😍 🤗 🎉 ☀ 🌞"
_NO_EMOJI: Final = "👎 ❌ ✖ 🚫 ⛔ ❎"
_SAD_EMOJI: Final = "😞 😢 😭 ☹ 🙁 😕 😟 😔 😩 😫 😤 😠 😡"
_QUESTION_EMOJI: Final = "❓ ❔ 🤔 🤷"

_LEXICON_PARTS: Final = (
    _entries(
        _Cue.YES,
        # any language
        "ok, okay, okey, okej, okei, oki, okie, okidoki, oki doki, okey dokey, ok ok, "
        + _YES_EMOJI.replace(" ", ", "),
        # nb
        "ja, jo, jepp, japp, jupp, jada, jadda, javisst, ja visst, ja da, jo da, ja vel, javel, "
        "greit, "
        "det er greit, helt greit, fint, bra, flott, supert, super, topp, helt topp, perfekt, "
        "passer, passe, det passer, passer fint, passer bra, passer godt, passer utmerket, "
        "passer perfekt, passer meg, passer oss, går bra, går fint, går greit, "
        "det går, går helt fint, bekreftet, bekrefter, bekreftes, bekreft, bekrefte, i orden, "
        "alt i orden, ok for meg, ok for oss, gjerne, klart, klart det, selvfølgelig, selvsagt, "
        "absolutt, avtalt, enig, vi ses, ses, vi sees, sees, hjemme, er hjemme, velkommen, "
        "velkomne, gleder oss, gleder meg, ser frem til, ingen problem, ingen problemer, "
        "ikke noe problem, ingen fare, utmerket, kjempefint, kjempebra, strålende, funker, "
        "fungerer, virker, godt, har ikke noe imot, jobber hjemmefra, kan komme, bare kom, "
        "kom bare, stemmer, det stemmer, korrekt, riktig, ikke verst, fantastisk, i boks, "
        # nynorsk and dialect
        "heime, er heime, eg er heime",
        # sv
        "japp, jajamen, jajamänsan, jadå, visst, absolut, gärna, självklart, passar, "
        "det passar, passar bra, passar fint, passar utmärkt, passar perfekt, passar oss, "
        "passar mig, funkar, det funkar, fungerar, bekräftar, bekräftat, bekräftad, bekräftas, "
        "toppen, utmärkt, kanon, jättebra, ser fram emot, det blir bra, låter bra, låter fint, "
        "låter toppen, låter perfekt, låter utmärkt, "
        "hemma, "
        "är hemma, välkommen, välkomna, inga problem, inget problem, lugnt, i ordning, kör, "
        "kör på, avtalat, grymt, finfint, har inget emot, stämmer, det stämmer, rätt, "
        "jobbar hemifrån, kan komma, bara kom",
        # da
        "jeps, jep, det er fint, helt fint, fint nok, passer os, passer mig, bekræfter, "
        "bekræftet, bekræft, glimrende, fedt, glæder os, glæder mig, intet problem, "
        "ikke noget problem, lyder godt, lyder fint, aftalt, går godt, har ikke noget imod, "
        "arbejder hjemme, rigtig godt, rigtig fint",
        # en
        "yes, yeah, yea, yep, yup, ya, sure, of course, absolutely, definitely, certainly, "
        "fine, good, great, perfect, excellent, lovely, brilliant, wonderful, awesome, cool, "
        "nice, sounds good, sounds great, sounds fine, sounds perfect, works, work, that works, "
        "works for me, suits, suits us, suits me, fine by me, fine with me, ok with me, "
        "ok by me, confirm, confirmed, confirming, agreed, deal, see you, see you then, "
        "see you soon, see you later, home, be home, be in, be there, be here, no problem, "
        "no problems, not a problem, no worries, welcome, alright, all right, all good, "
        "looking forward, yes please, don't mind, do not mind, fab, fantastic, splendid, ace, "
        "correct, that's right, thumbs up, happy with, great stuff, work from home, "
        "working from home, can come, just come, sure thing",
    ),
    _entries(
        _Cue.ACK,
        _ACK_EMOJI.replace(" ", ", "),
        "notert, mottatt, forstått, skal bli, noterat, mottaget, uppfattat, noteret, modtaget, "
        "forstået, noted, received, understood, got it, roger",
    ),
    _entries(_Cue.NO, "nei, nej, no, nope, nah, næ, nä, niks, nix, nei nei, nej nej"),
    _entries(
        _Cue.DECLINE,
        _NO_EMOJI.replace(" ", ", "),
        # nb
        "nei takk, ikke ok, ikke hjemme, kan ikke, kan ikkje, går ikke, går ikkje, passer ikke, "
        "funker ikke, virker ikke, fungerer ikke, bortreist, på ferie, på reise, utenlands, "
        "i utlandet, syk, sykehus, avbestill, avbestille, avbestiller, avlys, avlyse, "
        "trenger ikke, ikke lenger, ikke aktuelt, dårlig, vanskelig, umulig, ikke mulig, "
        "opptatt, ikke bra, på jobb, på jobben, borte, ikke tid, kanseller, kansellere, "
        "kansellér, kommer ikke, jobbe, jobber, arbeide, arbeider, covid, korona, influensa, "
        "forkjølet, omgangssyke",
        # sv
        "nej tack, inte ok, inte hemma, kan inte, går inte, passar inte, funkar inte, "
        "fungerar inte, bortrest, bortresta, på semester, på resa, utomlands, sjuk, sjukhus, "
        "avboka, avbeställ, avbeställa, behöver inte, behövs inte, inte längre, "
        "inte aktuellt, dålig, dåligt, illa, svårt, omöjligt, omöjlig, inte möjligt, "
        "upptagen, inte bra, på jobbet, borta, inte tid, kommer inte, jobbar, arbetar, "
        "förkyld, magsjuka",
        # da
        "nej tak, bortrejst, bortrejste, syg, sygehus, afbestil, afbestille, aflys, aflyse, "
        "behøver ikke, ikke længere, dårligt, skidt, vanskeligt, umuligt, ikke muligt, "
        "optaget, på arbejde, væk, ikke brug for, arbejder, forkølet",
        # en
        "no thanks, no thank you, not ok, not home, not in, won't be home, won't be in, "
        "not be home, can't, cant, cannot, can not, couldn't, away, on holiday, on vacation, "
        "out of town, abroad, sick, hospital, cancel, cancelled, canceled, don't need, "
        "do not need, no longer, not needed, not interested, bad, difficult, inconvenient, "
        "not convenient, impossible, not possible, busy, no good, not good, doesn't work, "
        "does not work, won't work, at work, working, not coming, won't come, can't come, flu, "
        "corona",
    ),
    _entries(
        _Cue.NEGATION,
        "ikke, ikkje, ingen, aldri, inte, ej, icke, inget, inga, aldrig, intet, ingenting, "
        "not, never, nothing, don't, dont, doesn't, doesnt, won't, wont, isn't, isnt, aren't, "
        "wasn't, wouldn't, shouldn't, haven't, hasn't, didn't, neither, nor",
    ),
    _entries(
        _Cue.REGRET,
        _SAD_EMOJI.replace(" ", ", "),
        "dessverre, beklager, beklageligvis, tyvärr, beklagar, ursäkta, desværre, undskyld, "
        "unfortunately, sorry, sadly, afraid",
    ),
    _entries(
        _Cue.RESCHEDULE,
        # nb
        "i stedet, istedet, isteden, istedenfor, i stedet for, heller, helst, foretrekker, "
        "flytte, flyttes, endre, bytte, skifte, annen dag, annen tid, annet tidspunkt, "
        "annen uke, annen gang, ny tid, nytt tidspunkt, ny dato, ny dag, senere, tidligere, "
        "utsette, utsatt, booke om, ombooke, ombooking, bedre, passer bedre, neste uke, uka etter, "
        "uken etter",
        # sv
        "istället, i stället, hellre, föredrar, flytta, flyttas, ändra, byta, annan dag, "
        "annan tid, annan vecka, nytt datum, senare, tidigare, utsätta, skjuta upp, skjut upp, "
        "boka om, omboka, bättre, passar bättre, nästa vecka, veckan efter",
        # da
        "hellere, foretrækker, ændre, anden dag, anden tid, anden uge, ny dato, udsætte, "
        "udskyde, næste uge, ugen efter",
        # en
        "instead, rather, prefer, preferably, move, move it, change the, change it, "
        "another day, another time, another date, other day, different day, different time, "
        "new time, new date, new appointment, ny time, ny avtale, later, earlier, sooner, "
        "postpone, reschedule, rebook, better, next week, week after",
    ),
    _entries(
        _Cue.PROPOSE,
        "hva med, hvad med, vad sägs om, hur är det med, what about, how about",
    ),
    _entries(
        _Cue.SHIFT,
        "etter, før, innen, tidligst, senest, mellom, efter, före, innan, tidigast, senast, "
        "mellan, inden, tidligst, after, before, earliest, latest, between, not before",
    ),
    _entries(_Cue.UNTIL, "til, till, until, frem til, fram till"),
    _entries(
        _Cue.TIME,
        # nb, da
        "mandag, tirsdag, onsdag, torsdag, fredag, lørdag, søndag, mandagen, tirsdagen, "
        "onsdagen, torsdagen, fredagen, lørdagen, søndagen, i dag, idag, i morgen, "
        "imorgen, i overmorgen, formiddag, formiddagen, ettermiddag, ettermiddagen, "
        "eftermiddag, eftermiddagen, morgen, morgenen, kveld, kvelden, aften, aftenen, lunsj, "
        "frokost, uke, uka, uken, uge, ugen, helg, helgen, jul, nyttår, nytår, påske, halv, "
        "kvart, januar, februar, mars, marts, april, mai, maj, juni, juli, august, september, "
        "oktober, november, desember, december, okt, des, dec",
        # sv
        "måndag, tisdag, lördag, söndag, måndagen, tisdagen, lördagen, söndagen, i morgon, "
        "imorgon, förmiddag, förmiddagen, morgon, morgonen, kväll, kvällen, lunch, frukost, "
        "vecka, veckan, nyår, påsk",
        # en
        "monday, tuesday, wednesday, thursday, friday, saturday, sunday, today, tomorrow, "
        "morning, afternoon, evening, week, weekend, christmas, easter, new year, january, "
        "february, march, june, july, october",
    ),
    _entries(_Cue.CLOCK, "kl, klokka, klokken, klockan, o'clock, pm"),
    _entries(
        _Cue.CONTACT,
        "ring, ringe, ringa, ringer, ring meg, ring mig, ring mej, ring opp, ring upp, ring op, "
        "ring tilbake, ring tilbage, ring tillbaka, oppringt, kontakt, kontakte, kontakta, "
        "kontakter, ta kontakt, snakke med, snakka med, prata med, tala med, tale med, "
        "call, call me, call back, phone, phone me, ring me, give me a ring, give me a call, "
        "contact, contact me, get in touch, talk to, speak to, speak with, talk with, "
        # being called, the telephone itself
        "bli ringt, ringt opp, oppringing, telefon, telefonen, telefonisk, mobil, mobilen, "
        "uppringd, uppringning, ringas, ringes, ringes op, phone call, by phone, "
        "give me a shout",
    ),
    _entries(
        _Cue.CONDITION,
        "hvis, dersom, såfremt, forutsatt, så lenge, kun, bare hvis, om mulig, unntatt, ellers, "
        "eller, ifall, i fall, såvida, förutsatt, så länge, endast, enbart, om möjligt, utom, "
        "förutom, annars, forudsat, så længe, undtagen, bortsett fra, bortsett från, "
        "bortset fra, if, unless, provided, as long as, "
        "only, if possible, except, otherwise, or",
    ),
    _entries(
        _Cue.CONTRAST,
        "men, ps, obs, nb, merk, husk, forresten, dock, förresten, dog, but, however, though, "
        "although, aber, note, please note, remember, fyi, btw, by the way",
    ),
    _entries(
        _Cue.QUESTION,
        _QUESTION_EMOJI.replace(" ", ", "),
        "hva, hvem, hvor, hvordan, hvorfor, hvilken, hvilke, hvilket, når, lurer på, hæ, "
        "vad, vem, hur, varför, vilken, vilket, vilka, när, undrar, hvad, hvornår, undrer, "
        "what, who, where, when, why, how, which, wondering, wonder, huh",
    ),
    _entries(
        _Cue.UNSURE,
        "kanskje, muligens, vet ikke, vet jeg ikke, usikker, sjekke, sjekker, undersøke, "
        "kommer tilbake, tenke på det, skjønner ikke, forstår ikke, förstår inte, kanske, "
        "möjligen, vet inte, vet jag inte, osäker, kolla, kollar, återkommer, återkomma, "
        "fundera, får se, får vi se, får väl se, "
        "svarer senere, bekrefter senere, svarar senare, bekräftar senare, bekræfter senere, "
        "måske, muligvis, ved ikke, "
        "ved jeg ikke, tjekke, tjekker, vender tilbage, tænke over, maybe, perhaps, possibly, "
        "don't know, dont know, do not know, not sure, unsure, check, get back, we'll see, "
        "don't understand, confirm later, answer later, reply later, let you know",
    ),
    _entries(
        _Cue.HEDGE,
        "nok, vel, tror, tror det, regner med, antar, antakelig, antagelig, sannsynligvis, "
        "trolig, burde, bør, forhåpentligvis, håper, prøve, prøver, skal prøve, väl, "
        "förmodligen, troligen, antagligen, räknar med, borde, bör, förhoppningsvis, hoppas, "
        "försöka, försöker, sandsynligvis, formentlig, forhåbentlig, håber, forsøge, "
        "should, ought, probably, presumably, likely, hopefully, hope, think, i think, guess, "
        "suppose, try, will try",
    ),
    _entries(
        _Cue.DISPUTE,
        "ikke bestilt, feil adresse, feil nummer, feil person, inte beställt, fel adress, "
        "fel nummer, fel person, forkert adresse, forkert nummer, never booked, never ordered, "
        "didn't book, didn't order, not booked, not ordered, wrong address, wrong number, "
        "wrong person, flyttet, flyttat, flyttede, moved, solgt, sålt, sold, bor ikke der, "
        "bor ikke her, bor inte där, bor inte här, don't live there, no longer live",
    ),
    _entries(
        _Cue.THANKS,
        "takk, tusen takk, mange takk, takk skal du ha, takker, takk for beskjed, "
        "takk for info, takk for infoen, takk for meldingen, takk for påminnelsen, "
        "takk for det, tack, tack så mycket, tack för info, tack för informationen, "
        "tack för påminnelsen, tackar, tusen tack, stort tack, mange tak, tusind tak, "
        "tak for besked, tak for beskeden, tak for info, tak for påmindelsen, thanks, "
        "thank you, thank you very much, thanks a lot, many thanks, thx, ty, tnx, cheers, "
        "thanks for letting me know, thanks for the reminder, thanks for the info",
    ),
    _entries(
        _Cue.GREETING,
        "👋, hei, hey, hej, hi, hello, hallo, heisann, hejsan, hei hei, hej hej, god morgen, "
        "god dag, goddag, god kveld, godmorgen, good morning, good afternoon, good evening, "
        "dear, tjena, tja, halla, morn, morna",
    ),
    _entries(
        _Cue.SIGNOFF,
        "mvh, vh, med vennlig hilsen, vennlig hilsen, vennlige hilsener, hilsen, hilsener, "
        "beste hilsen, kh, klem, med venlig hilsen, venlig hilsen, venlige hilsner, "
        "med vänlig hälsning, vänlig hälsning, vänliga hälsningar, hälsningar, hälsning, "
        "bästa hälsningar, kram, best regards, kind regards, regards, best wishes, "
        "warm regards, sincerely, yours sincerely",
    ),
    _entries(
        _Cue.FILLER,
        # pronouns, articles, little words
        "det, dt, den, dette, detta, denne, er, är, var, vi, jeg, jag, meg, mig, mej, oss, os, "
        "du, deg, dig, dere, ni, han, hun, hon, de, dem, dom, man, min, mitt, mine, vår, våra, "
        "vores, en, et, ett, og, och, så, da, då, nå, nu, også, också, helt, veldig, meget, "
        "mycket, svært, rigtig, hermed, härmed, herved, hereby, eg, bare, bara, litt, lite, noe, "
        "noen, någon, nogen, alt, allt, alle, alla, med, for, för, på, i, om, av, af, fra, "
        "från, hos, her, här, der, där, "
        "ju, først, först, hele, hela, all, dag, dagen, snart, gang, gangen, "
        "we, me, us, my, our, you, your, he, she, they, them, it, this, that, the, a, an, "
        "and, so, then, now, too, also, very, really, quite, just, with, to, on, at, in, of, "
        "from, here, there, 's, i'm, we're, we'll, i'll, that's, it's, it'll, that'll, thats, its, "
        "im, likevel, alikevel, ändå, alligevel, anyway, allerede, redan, already, "
        "someone, somebody, anyone, day, the day, please, vennligst, venligst, snälla, "
        # verbs that carry no answer by themselves
        "kommer, komme, komma, kom, come, coming, comes, være, vara, be, is, are, am, was, "
        "will, shall, skal, ska, vil, vill, kan, can, could, would, må, måste, "
        "skulle, blir, bli, bliver, blive, blev, har, have, has, had, hadde, havde, hade, "
        "gjør, gör, do, does, did, går, gå, "
        # what the reply is about
        "tid, tiden, timen, time, tidspunkt, tidspunktet, tidpunkt, avtale, avtalen, aftale, "
        "aftalen, appointment, booking, bookingen, bokningen, bokning, besøk, besøket, besök, "
        "besöket, besøg, besøget, visit, dato, datoen, datum, datumet, date, forslaget, "
        "förslaget, elektriker, elektrikeren, elektrikern, electrician, rørlegger, "
        "rørleggeren, vvs, vvs'er, montør, montøren, montören, tekniker, teknikeren, "
        "teknikern, technician, kode, kod, code, bookingkode, ref, referanse, "
        "beskjed, besked, info, infoen, melding, meldingen, meddelande, meddelandet, "
        "meddelelse, sms, message, påminnelse, påminnelsen, påminnelsen, påmindelse, "
        "påmindelsen, reminder, informasjon, information, "
        # who will be home
        "kona, kone, mannen, mann, samboer, sambo, sambon, mand, manden, hustru, frun, "
        "naboen, grannen, naboen, wife, husband, partner, neighbour, neighbor, sønnen, "
        "datteren, sonen, dottern, son, daughter, barna, barnen, børnene, kids, "
        "familien, familjen, family, "
        # apologies for answering late are not regrets about the time
        "beklager sent svar, sorry for the late reply, sorry for late reply, ursäkta sent svar, "
        "undskyld det sene svar",
    ),
    _entries(
        _Cue.DOORBELL,
        "ring på, ringe på, ringa på, ring på døra, ring på døren, ring på dörren, "
        "ring på klokka, ringe på døra, ringe på døren, ringeklokka, ring the bell, "
        "ring the doorbell",
    ),
    _entries(
        _Cue.OTHER,
        # a time gone by is no time asked for: "er det samme elektriker som forrige uke?"
        "forrige uke, forrige gang, i fjor, förra veckan, förra gången, i fjol, sidste uge, "
        "sidste gang, sidste år, last week, last time, last year",
    ),
)


def _merge(parts: Sequence[dict[tuple[str, ...], _Cue]]) -> dict[tuple[str, ...], _Cue]:
    """One lexicon; a phrase listed under two cues is a mistake in the lists, caught at import
    (the Scandinavian languages share words, so this happens easily)."""
    merged: dict[tuple[str, ...], _Cue] = {}
    for part in parts:
        for phrase, cue in part.items():
            if merged.get(phrase, cue) != cue:
                raise ValueError(f"{' '.join(phrase)!r} is both {merged[phrase]} and {cue}")
            merged[phrase] = cue
    return merged


_LEXICON: Final = _merge(_LEXICON_PARTS)
_LONGEST: Final = max(len(phrase) for phrase in _LEXICON)

# Verb-first word order asks: "kan dere", "går det", "is it", "can you" (a clause's first words).


def _words(words: str) -> frozenset[str]:
    return frozenset(_squeeze(word) for word in words.split())


_ASKING_VERBS: Final = _words(
    "kan kunne går gikk er blir skal vil ville må får kommer trenger har passer gjelder "
    "ska är behöver vill gäller passar bliver gælder funker funkar fungerer fungerar "
    "virker stemmer stämmer "
    "is are can could will would shall should do does did may might have has was were"
)
_SUBJECTS: Final = _words(
    "jeg jag du dere ni i vi han hun hon den det de dom man noen någon nogen der "
    "you u we he she it they someone somebody anyone anybody there that this"
)
# Before a question word, as before a clause's first word, these say nothing yet.
_LEADING: Final = frozenset(
    {_Cue.GREETING, _Cue.YES, _Cue.ACK, _Cue.THANKS, _Cue.CONTRAST, _Cue.NO, _Cue.REGRET}
)
# What may follow "Mvh": a name, a title, a phone number, an address.
_SIGNATURE: Final = frozenset(
    {
        _Cue.UNKNOWN,
        _Cue.PHONE,
        _Cue.CLOCK,
        _Cue.TIME,
        _Cue.FILLER,
        _Cue.THANKS,
        _Cue.SIGNOFF,
        _Cue.OTHER,
    }
)
_TIMES: Final = frozenset({_Cue.TIME, _Cue.CLOCK})
_NOT_UNDERSTOOD: Final = frozenset({_Cue.UNKNOWN, _Cue.OTHER, _Cue.PHONE, _Cue.DOORBELL})
_CLAUSE_OPENERS: Final = frozenset({_Cue.CONTRAST, _Cue.CONDITION})
# "og hva med parkering": a clause's first word after these still asks.
_LEADING_WORDS: Final = frozenset({("og",), ("och",), ("and",)})


# ------------------------------------------------------------------------- the customer's words

_QUOTED_ORIGINAL: Final = re.compile(
    r"""^\s*(?:
        -{2,}\s*(?:original\s+message|opprinnelig\s+melding|oprindelig\s+meddelelse|
            ursprungligt\s+meddelande|forwarded\s+message|videresendt\s+melding|
            videresendt\s+meddelelse|vidarebefordrat\s+meddelande)\s*-{2,}
        |_{10,}
        |--\s*
        |(?:sent\s+from|sendt\s+fra|skickat\s+från|skickad\s+från|get\s+outlook\s+for|
            hent\s+outlook\s+for|skaffa\s+outlook\s+för|få\s+outlook\s+til|sent\s+with)\b.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
"""A line below which only the original, a forward or a signature follows."""
_WROTE: Final = re.compile(r"\b(?:wrote|skrev|skreiv|schrieb)\b[^:]*:\s*$", re.IGNORECASE)
_ATTRIBUTION_START: Final = re.compile(r"^\s*(?:on|den|am)\s", re.IGNORECASE)
_HEADER: Final = re.compile(
    r"^\s*(?:from|fra|från|von|sent|sendt|skickat|date|dato|datum|to|til|till|subject|emne|"
    r"ämne|cc)\s*:",
    re.IGNORECASE,
)
_FROM_HEADER: Final = re.compile(r"^\s*(?:from|fra|från|von)\s*:\s*\S", re.IGNORECASE)
_ADDRESS_OR_LINK: Final = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.IGNORECASE)
_CODE: Final = re.compile(r"(?<![^\W_])[A-Za-z2-9]{6}(?![^\W_])")
_SLASH_SIGNATURE: Final = re.compile(r"(?:^|\s)/\s?[A-ZÆØÅÄÖ][\w-]*(?: [A-ZÆØÅÄÖ][\w-]*)?\s*$")
"""'/Lisa', '/ Johan Berg' closing an SMS: the sender's name."""
_EMOTICONS: Final = {
    ":)": "\U0001f642",
    ";)": "\U0001f609",
    ":D": "\U0001f600",
    ":(": "\U0001f641",
    ":/": "\U0001f615",
    ":'(": "\U0001f622",
}
_EMOTICON: Final = re.compile(r"(?<!\S)(?::-?\)|;-?\)|:-?D|:-?\(|:-?/|:'\()(?!\w)")
"""":-)" and ":(" as the emoji they stand for, so that "ok :(" is read as reluctant."""
_EXACT_OK_TEXT: Final = re.compile(r"ok[.!]*", re.IGNORECASE)
_DOTTED_OK: Final = re.compile(r"(?<![^\W_])o\.\s?k\b\.?", re.IGNORECASE)  # "O.K."
_APOSTROPHES: Final = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def _own_words(text: str) -> str:
    """The customer's own words: normalised, without the quoted request below them (which says
    "OK" itself), without signatures, addresses and a booking code."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    kept = _above_the_original(lines)
    kept += _below_the_quote(lines[len(kept) :])
    own = _ADDRESS_OR_LINK.sub(" ", "\n".join(line for line in kept if not _quoted(line)))
    own = _EMOTICON.sub(lambda m: _EMOTICONS[m.group().replace("-", "")], own)
    own = _SLASH_SIGNATURE.sub("", _DOTTED_OK.sub("OK", own))
    own = _CODE.sub(lambda m: " " if _is_code(m.group()) else m.group(), own)
    return "\n".join(" ".join(line.split()) for line in own.split("\n")).strip()


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _above_the_original(lines: list[str]) -> list[str]:
    """The lines before the original starts: before "On ... wrote:", a header block, a
    "-----Original Message-----", a "-- " signature or "Sent from my iPhone"."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _quoted(line):
            kept.append(line)
            continue
        if _QUOTED_ORIGINAL.match(line) or _starts_header_block(lines, index):
            break
        if _WROTE.search(line) and (re.search(r"\d|@", line) or _follows_attribution(kept)):
            if kept and _ATTRIBUTION_START.match(kept[-1]) and not _WROTE.search(kept[-1]):
                kept.pop()  # "On Fri, 29 Sep 2023, Company <x@y>" wrapped before "wrote:"
            break
        kept.append(line)
    return kept


def _below_the_quote(rest: list[str]) -> list[str]:
    """What the customer wrote under or between ">" quoted lines below the cut: a reply
    written at the bottom ("OK\n> ...\nNo, sorry, wrong day") must be read whole. Below an
    unquoted original (Outlook's way) nothing is the customer's."""
    first_quote = next((i for i, line in enumerate(rest) if _quoted(line)), None)
    if first_quote is None:
        return []
    below: list[str] = []
    for index, line in enumerate(rest[first_quote:], start=first_quote):
        if _QUOTED_ORIGINAL.match(line) or (_WROTE.search(line) and not _quoted(line)):
            break
        if not _quoted(line) and not _starts_header_block(rest, index):
            below.append(line)
    return below


def _follows_attribution(kept: list[str]) -> bool:
    return bool(kept) and _ATTRIBUTION_START.match(kept[-1]) is not None


def _starts_header_block(lines: list[str], index: int) -> bool:
    """An Outlook header block ("Fra: ... / Sendt: ... / Til: ..."). "Fra: mandag" alone is
    ordinary Norwegian, so a "Fra:" line counts only with an address or more headers below."""
    line = lines[index]
    if not _FROM_HEADER.match(line):
        return False
    return "@" in line or any(
        _HEADER.match(following) for following in lines[index + 1 : index + 4]
    )


def _is_code(token: str) -> bool:
    """A booking code the customer typed back ("K7PX3M OK"): six characters with letters and
    digits, so that it does not count as an unknown word against a yes. A code of letters only
    stays, as an unknown word: it cannot be told from a shouted word ("OK HYTTEN"), and the
    caller strips the booking's own code with :func:`strip_booking_code` anyway."""
    return any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def strip_booking_code(text: str, code: str) -> str:
    """``text`` without the booking ``code`` (any case, also typed as "K7P X3M" or "K7P-X3M", as
    :func:`hub.booking.codes.codes_in` accepts it), with a colon or comma right after it, and
    with the spaces left behind tidied: "K7PX3M OK" -> "OK"."""
    code = code.strip()
    if not code:
        return text.strip()
    middle = len(code) // 2
    body = (
        re.escape(code[:middle]) + r"[ -]?" + re.escape(code[middle:])
        if len(code) == 6
        else re.escape(code)
    )
    pattern = re.compile(rf"(?<![^\W_]){body}(?![^\W_])[:,;]?", re.IGNORECASE)
    stripped = pattern.sub(" ", text)
    return "\n".join(" ".join(line.split()) for line in stripped.splitlines()).strip()


# ------------------------------------------------------------------------------------ tokens


@dataclass(frozen=True, slots=True)
class _Token:
    key: str  # lower-cased, letters squeezed; for a mark, the mark itself
    original: str
    clause: int


@dataclass(frozen=True, slots=True)
class _Hit:
    cue: _Cue
    key: tuple[str, ...]
    clause: int
    capitalised: bool  # the first word starts with a capital: a name, after "Hei" or "Mvh"


_TOKEN: Final = re.compile(
    r"(?P<phone>\+?\d(?:[ -]?\d){7,})"  # "912 34 567", "070-123 45 67"
    r"|(?P<clock>\d{1,2}[:.]\d{2}(?!\d))"
    r"|(?P<word>[^\W_]+(?:'[^\W_]+)*)"
    r"|(?P<stop>[!?;:,()/\n\u2013\u2014]|\.(?!\s*[a-zæøåäö\d]))"
    r"|(?P<mark>\S)"
)
# Marks that are neither read nor counted: punctuation left over, emoji modifiers and joiners.
_IGNORED_CATEGORIES: Final = frozenset({"Mn", "Me", "Cf", "Sk", "Pd", "Po", "Ps", "Pe", "Pi", "Pf"})


def _tokens(own: str) -> list[_Token]:
    """Words, clock times and emoji with the number of the clause they are in. A clause ends at
    punctuation, at a line break and before "but" or "if": a negation reaches only its own
    clause ("ja, om det inte regnar" does not say "not yes")."""
    pieces: list[tuple[str, str]] = []  # (key, original); key "" ends a clause
    for match in _TOKEN.finditer(own):
        kind, text = match.lastgroup, match.group()
        if kind == "stop":
            pieces.append(("", text))
        elif kind == "word":
            pieces.extend((_squeeze(part.lower()), part) for part in _split_possessive(text))
        elif kind == "phone":
            digits = re.sub(r"\D", "", text)
            pieces.append((digits, text))
        elif kind == "clock" or (
            unicodedata.category(text) not in _IGNORED_CATEGORIES and not text.isascii()
        ):
            pieces.append((text, text))
    tokens: list[_Token] = []
    clause = 0
    for index, (key, original) in enumerate(pieces):
        following = pieces[index + 1][0] if index + 1 < len(pieces) else ""
        opens = _LEXICON.get((key,)) in _CLAUSE_OPENERS or (key == "om" and following in _SUBJECTS)
        if not key or opens:
            clause += 1
        if key:
            tokens.append(_Token(key, original, clause))
    return tokens


def _split_possessive(word: str) -> list[str]:
    """ "Friday's" is "Friday" and "'s" ("that's" and "it's" are in the lexicon whole)."""
    lower = word.lower()
    if lower.endswith("'s") and (_squeeze(lower),) not in _LEXICON:
        return [word[:-2], word[-2:]]
    return [word]


def _hits(own: str) -> list[_Hit]:
    """The tokens matched against the lexicon, longest phrase first, within a clause."""
    tokens = _tokens(own)
    hits: list[_Hit] = []
    start = 0
    while start < len(tokens):
        first = tokens[start]
        for length in range(min(_LONGEST, len(tokens) - start), 0, -1):
            span = tokens[start : start + length]
            if span[-1].clause != first.clause:
                continue
            cue = _LEXICON.get(tuple(token.key for token in span))
            if cue is not None:
                break
        else:
            length, cue = 1, _unlisted(first)
        capitalised = first.original[:1].isupper()
        key = tuple(token.key for token in tokens[start : start + length])
        hits.append(_Hit(cue, key, first.clause, capitalised))
        start += length
    return hits


def _unlisted(token: _Token) -> _Cue:
    """A word the lexicon does not have: one or two digits ("12", "2pm") are a time, five or
    more a phone number, three or four a door code or a year; the rest is unknown."""
    digits = sum(c.isdigit() for c in token.key)
    if digits >= 5:
        return _Cue.PHONE
    if digits >= 3 and ":" not in token.key and "." not in token.key:
        return _Cue.OTHER
    if digits:
        return _Cue.CLOCK
    return _Cue.UNKNOWN


def _signature(hit: _Hit) -> bool:
    """Can this be part of a signature: "Kari Nordmann", "Driftssjef", "Tlf 922 33 444"? A
    word the rules do not know must be capitalised: "Mvh Kari\nvi er på hytta" is a sentence."""
    if hit.cue in (_Cue.UNKNOWN, _Cue.OTHER):
        return hit.capitalised
    return hit.cue in _SIGNATURE


def _without_names(hits: list[_Hit]) -> list[_Hit]:
    """The hits without the names after a greeting ("Hei Kari!") and without what follows a
    sign-off ("Mvh Kari Nordmann, tlf 922 33 444"), when that is only names and numbers: a
    name is no reason to doubt a yes. A "PS: ikke hjemme" after "Mvh" stays."""
    # signature_from[i]: hits[i:] could all be a signature (one pass from the end, not one per
    # sign-off: a hostile text of a million "mvh" must not take quadratic time)
    signature_from = [True] * (len(hits) + 1)
    for index in range(len(hits) - 1, -1, -1):
        signature_from[index] = signature_from[index + 1] and _signature(hits[index])
    kept: list[_Hit] = []
    greeting_clause = -1
    for index, hit in enumerate(hits):
        if hit.cue is _Cue.SIGNOFF and signature_from[index]:
            break
        if hit.cue is _Cue.GREETING:
            greeting_clause = hit.clause
        elif hit.cue is _Cue.UNKNOWN and hit.capitalised and hit.clause == greeting_clause:
            continue
        kept.append(hit)
    return kept


# ------------------------------------------------------------------------------------ reading


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the cues of a reply add up to."""

    yes: bool
    ack: bool
    no: bool
    declines: bool  # a decline phrase, or a yes negated in its own clause
    negation: bool  # a negation in a clause without a yes
    regret: bool
    other_time: bool  # asks for, or offers, another time
    contact: bool
    condition: bool
    contrast: bool
    question: bool
    unsure: bool
    hedged: bool
    disputes: bool  # never ordered it, moved, wrong address: a person has to look
    unknown: int  # words the rules do not know: each one is a reason to doubt a yes
    names_time: bool  # a day or a time: maybe not the booked one
    empty: bool


def _read(hits: list[_Hit], question_mark: bool, locale: str | None) -> _Reading:
    cues = [hit.cue for hit in hits]
    clauses_with_yes = {hit.clause for hit in hits if hit.cue in (_Cue.YES, _Cue.ACK)}
    negation_clauses = {hit.clause for hit in hits if hit.cue is _Cue.NEGATION}
    regret_clauses = {hit.clause for hit in hits if hit.cue is _Cue.REGRET}
    asked, wh_question = _asks(hits)
    question = question_mark or asked
    condition = _Cue.CONDITION in cues or _om_as_if(hits, locale)
    time_clauses = {hit.clause for hit in hits if hit.cue in _TIMES}
    contrast_clauses = {hit.clause for hit in hits if hit.cue is _Cue.CONTRAST}
    refusing_clauses = negation_clauses | {hit.clause for hit in hits if hit.cue is _Cue.DECLINE}
    # "passer ikke" (a yes negated in its clause), "ok, men ikke fredag" (a day negated),
    # "kan dessverre ikke" (a negation with a regret)
    declines = _Cue.DECLINE in cues or bool(
        (clauses_with_yes | time_clauses | regret_clauses) & negation_clauses
    )
    times = _time_expressions(hits)
    other_time = (
        _Cue.RESCHEDULE in cues
        or _followed_by(hits, {_Cue.SHIFT, _Cue.PROPOSE}, _TIMES)
        or _followed_by(hits, {_Cue.UNTIL}, {_Cue.CLOCK})
        or (times > 0 and (((asked or question_mark) and not wh_question) or condition))
        or (times > 1 and (declines or _Cue.CONTRAST in cues))
        # "ok, men bare om ettermiddagen"; not "ok, men vi er bortreist hele oktober"
        or bool(time_clauses & contrast_clauses - refusing_clauses)
    )
    return _Reading(
        yes=_Cue.YES in cues,
        ack=_Cue.ACK in cues,
        no=_Cue.NO in cues,
        declines=declines,
        negation=bool(negation_clauses - clauses_with_yes),
        regret=_Cue.REGRET in cues,
        other_time=other_time,
        contact=_Cue.CONTACT in cues or _followed_by(hits, {_Cue.DOORBELL}, {_Cue.PHONE}),
        condition=condition,
        contrast=_Cue.CONTRAST in cues,
        question=question,
        unsure=_Cue.UNSURE in cues,
        hedged=_Cue.HEDGE in cues,
        disputes=_Cue.DISPUTE in cues,
        unknown=sum(cue in _NOT_UNDERSTOOD for cue in cues),
        names_time=times > 0,
        empty=not hits,
    )


def _asks(hits: list[_Hit]) -> tuple[bool, bool]:
    """Whether a clause asks without a "?" (SMS often has none), and whether by a question word
    ("hvem kommer"): (verb-first or question word, question word). Only a clause's first word
    counts, after "hei", "ok", "men" and the like: "vi er hjemme når dere kommer" asks
    nothing, "ok, når kommer dere" does."""
    asked = wh_question = False
    started: set[int] = set()  # clauses whose first word (after the leading ones) was seen
    said_yes: set[int] = set()  # clauses with a yes before the word at hand
    for index, hit in enumerate(hits):
        following = hits[index + 1] if index + 1 < len(hits) else None
        second = following.key[0] if following and following.clause == hit.clause else ""
        # "passer det" without "?" asks, though "passer" is a yes; "visst passar det" does not
        verb_first = (
            len(hit.key) == 1
            and hit.key[0] in _ASKING_VERBS
            and second in _SUBJECTS
            and not (hit.cue is _Cue.YES and hit.clause in said_yes)
        )
        if hit.cue in (_Cue.YES, _Cue.ACK, _Cue.NO):
            said_yes.add(hit.clause)
        if hit.clause in started or (
            (hit.cue in _LEADING or hit.key in _LEADING_WORDS) and not verb_first
        ):
            continue
        started.add(hit.clause)
        if hit.cue is _Cue.QUESTION or (hit.key == ("var",) and second in _ASKING_VERBS):
            # "hvem kommer?"; Swedish "var ska ni parkera" (elsewhere "var" is "was")
            asked = wh_question = True
        elif hit.cue is _Cue.PROPOSE or verb_first:
            asked = True  # "hva med hunden", "kan dere komme"
    return asked, wh_question


def _om_as_if(hits: list[_Hit], locale: str | None) -> bool:
    """ "om" is "if" in Swedish and, before a subject, in Norwegian ("om dere kommer"); in Danish
    "om eftermiddagen" is "in the afternoon". The organisation's language breaks the tie."""
    for index, hit in enumerate(hits):
        if hit.key != ("om",):
            continue
        following = hits[index + 1] if index + 1 < len(hits) else None
        if locale == "sv" or (following is not None and following.key[0] in _SUBJECTS):
            return True
    return False


def _followed_by(hits: list[_Hit], first: Collection[_Cue], then: Collection[_Cue]) -> bool:
    """A ``first`` cue with a ``then`` cue within two words after it in its clause: "etter kl
    12", "after lunch", "hva med torsdag", "ring på 40 50 60 70"."""
    for index, hit in enumerate(hits):
        if hit.cue in first and any(
            h.cue in then and h.clause == hit.clause for h in hits[index + 1 : index + 3]
        ):
            return True
    return False


def _time_expressions(hits: list[_Hit]) -> int:
    """How many days or times a reply names: "fredag 6. oktober kl 7" is one, "mandag eller
    tirsdag" two."""
    count = 0
    for index, hit in enumerate(hits):
        if hit.cue in _TIMES and (index == 0 or hits[index - 1].cue not in _TIMES):
            count += 1
    return count


# ----------------------------------------------------------------------------------- deciding


def _decide(r: _Reading) -> Classification:
    """The first rule that applies wins. The order is the point: whatever else a reply says,
    "ring meg" needs a call and "etter kl 12" another time; a yes counts only when nothing
    before it in this list applied."""
    if r.empty:
        return Classification(Intent.UNKNOWN, _NOTHING if not r.question else _WEAK)
    if r.contact:
        return Classification(Intent.CONTACT_ME, _SURE)
    if r.other_time:
        return Classification(Intent.RESCHEDULE, _LIKELY)
    if r.unsure:
        return Classification(Intent.UNKNOWN, _WEAK)
    if r.declines or (r.no and not r.yes):
        return Classification(Intent.DECLINE, _SURE if not r.yes else _WEAK)
    if r.disputes:
        return Classification(Intent.UNKNOWN, _WEAK)
    if r.question or r.condition or (r.no and r.yes) or (r.regret and (r.yes or r.ack)):
        return Classification(Intent.UNKNOWN, _WEAK)
    if r.yes or r.ack:
        return Classification(Intent.CONFIRM, _confirm_confidence(r))
    if r.negation or r.regret:
        return Classification(Intent.DECLINE, _WEAK)
    return Classification(Intent.UNKNOWN, _WEAK)


def _confirm_confidence(r: _Reading) -> float:
    """A clear yes, less for every word not understood and for a named day (it may not be the
    booked one); a "but" or a negation elsewhere caps it: yes, but with something to read."""
    confidence = _CLEAR_YES if r.yes else _ACK_ONLY
    confidence -= _UNKNOWN_WORD_COST * r.unknown + (_TIME_COST if r.names_time else 0.0)
    if r.contrast or r.negation:
        confidence = min(confidence, _WITH_CAVEAT)
    if r.hedged:
        confidence = min(confidence, _HEDGED)
    return round(max(confidence, _FLOOR), 2)


def classify(text: str, locale: str | None = None) -> Classification:
    """Read a customer's answer to a booking request. ``locale`` is the organisation's language
    ("nb", "sv", "da", "en"): a hint for the few words whose meaning differs between them,
    since customers answer in any of the four.

    Only CONFIRM at :data:`CONFIRM_THRESHOLD` or above may confirm a booking on its own;
    everything else goes to a person."""
    own = _own_words(text)
    if _EXACT_OK_TEXT.fullmatch(own):
        return Classification(Intent.CONFIRM, _EXACT_OK)
    if len(own) > _MAX_READ:
        return Classification(Intent.UNKNOWN, _WEAK)
    hits = _without_names(_hits(own))
    return _decide(_read(hits, "?" in own, locale))
