"""The self-harm, drugs and violence vocabularies: what they must catch and what must stay quiet.

Every sentence here was written for this table from the category definitions (KCSIE's content, contact and
conduct risks) and how pupils, parents and staff write; none comes from an evaluation set. The expected category
is the table's, never the scanner's.
"""

from __future__ import annotations

import pytest

from esafety.monitoring.scanner import Scanner, shipped_lexicon


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(shipped_lexicon())


def categories(scanner: Scanner, text: str) -> set[str]:
    return {h.category for h in scanner.scan(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # self-harm: disclosures, a friend, searches, community terms, eating disorders, other languages
        ("honestly whats the point anymore, everyone would be better off without me", "self_harm"),
        ("i keep thinking about ending it all", "self_harm"),
        ("my friend keeps saying she wants to kill herself and i dont know what to do", "self_harm"),
        ("he told me hes been cutting his arms again", "self_harm"),
        ("how many co-codamol would kill someone", "self_harm"),
        ("what's the most painless way to go", "self_harm"),
        ("i made myself throw up after dinner again", "self_harm"),
        ("ive only had 300 calories today and i still feel huge", "self_harm"),
        ("anyone got tips to hide not eating from parents", "self_harm"),
        ("sorry for everything mum, please dont be sad. i love you all", "self_harm"),
        ("is it bad that i punch walls until my knuckles bleed", "self_harm"),
        ("tired of being alive tbh", "self_harm"),
        ("i wanna un@live mys3lf", "self_harm"),
        ("chce sie zabic nie mam po co zyc", "self_harm"),
        ("quiero morirme ya no aguanto", "self_harm"),
        ("je veux mourir personne ne m'aime", "self_harm"),
        ("main khudkushi karna chahti hoon", "self_harm"),
        ("had a bad night 🔪🩸 again", "self_harm"),
        # drugs: street names, dealing, county lines, alcohol at 13, a parent's medicine, emoji
        ("whos got bud for tonight", "drugs"),
        ("anyone selling carts? need one for the weekend", "drugs"),
        ("pills at the party were sick, took two", "drugs"),
        ("yo plug u got za", "drugs"),
        ("im 13 and i got smashed on vodka at the sleepover", "drugs"),
        ("we nicked my dads cans and drank them in the woods", "drugs"),
        ("they said i owe them money now and have to work it off by running packages", "drugs"),
        ("taking my mums diazepam to calm down before exams", "drugs"),
        ("sprzedaje zioło tanio", "drugs"),
        ("got 🍃 for the weekend, dm me", "drugs"),
        # violence: threats, weapons, fights, abuse at home, attack plans, other languages
        ("im gonna stab him after school", "violence"),
        ("watch ur back tomorrow, ur getting shanked", "violence"),
        ("if he says that again im gonna knock him out", "violence"),
        ("my dad hits my mum when hes drunk", "violence"),
        ("my stepdad hit me with a belt last night", "violence"),
        ("im bringing a knife tomorrow, just in case", "violence"),
        ("theres a big fight after school, everyone bring a stick", "violence"),
        ("they said theyre gonna jump me on the way home", "violence"),
        ("ima batter that kid if he comes near my sister", "violence"),
        ("he carries a zombie knife in his bag", "violence"),
        ("i dont want to go home, my dad gets angry and hits me", "violence"),
        ("te voy a matar cabron", "violence"),
        ("zabije cie po szkole", "violence"),
        ("main tujhe jaan se maar dunga", "violence"),
        ("gonna 🔪 him fr", "violence"),
    ],
)
def test_it_catches_what_pupils_write(scanner: Scanner, text: str, category: str) -> None:
    assert category in categories(scanner, text)


@pytest.mark.parametrize(
    "text",
    [
        "i could kill for a coffee right now",
        "this maths homework is killing me",
        "i got 12 kills in warzone last night",
        "beat the eggs and sugar together until fluffy",
        "Juliet stabs herself with Romeo's dagger in the final scene",
        "In PSHE we learned that cannabis is a class B drug",
        "Please log this on CPOMS and speak to the DSL today",
        "if you ever feel like hurting yourself please talk to me ok",
        "How many paracetamol can I take for a headache?",
        "i want to die my hair pink",
        "ima murder u at fifa later lol",
        "ill kill my sister if she reads my diary again",
        "I'll shoot you an email with the notes",
        "my cousin got a nerf gun for his birthday",
        "dad hit me with a pillow in a pillow fight lol",
        "i'm scared to go home in the dark, can someone walk with me",
        "i dont want to go home yet, the party is fun",
        "under 500 calories per portion, this soup is healthy",
        "we're doing lines of symmetry in maths",
        "i need a new charger, my plug broke",
        "dont do drugs kids, stay in school lol",
        "he nearly killed himself laughing at the video",
        "snow is forecast for tomorrow ❄️ wrap up warm",
        "the baddie in the cartoon got beaten up by the hero",
        "In RE we discussed what Christianity teaches about suicide",
        "I'm going to murder this pizza",
        "my dad is a farmer and has a shotgun for the foxes",
    ],
)
def test_it_stays_quiet_on_lessons_idioms_and_play(scanner: Scanner, text: str) -> None:
    assert not categories(scanner, text) & {"self_harm", "drugs", "violence"}
