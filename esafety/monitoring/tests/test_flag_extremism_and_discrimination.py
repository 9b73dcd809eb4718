"""Extremism and discrimination by concept: group names alert only with support, praise or a call to violence;
hate is a group plus a dehumanising predicate, not a list of sentences; lessons, news and everyday words stay
quiet.

Every message below was written for these tests from the category definitions (they are not taken from any
evaluation set), by a pupil, parent or member of staff as the personas in the comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from esafety.monitoring.scanner import Scanner, load_vocabularies, shipped_lexicon

VOCAB = Path(__file__).resolve().parents[1] / "scanner" / "lexicon" / "vocab"
OURS = ("extremism", "discrimination")


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(shipped_lexicon())


def categories(scanner: Scanner, text: str) -> set[str]:
    return {h.category for h in scanner.scan(text) if h.category in OURS}


@pytest.mark.parametrize(
    "text",
    [
        # Year 10 boys in a group chat
        "ISIS are the real heroes tbh i want to join them",
        "ngl tarrant is a legend",
        "hitler should of won the war",
        "the holocaust is fake news",
        "sieg heil brothers",
        "the zionists control the media and the banks",
        "beat tarrants high score",
        "up the ra",
        "the pakis are taking over, time for a race war",
        "we need to gas them all",
        "atomwaffen are recruiting in the uk, im joining",
        # a Year 8 pupil searching on a school laptop
        "i want to make hijrah to sham and fight",
        "i swear allegiance to the islamic state",
        # pupils who speak other languages at home
        "mujhe isis join karna hai",
        "taliban zindabad",
        "je veux rejoindre daech",
        "quiero unirme al estado islamico",
        "popieram państwo islamskie",
        "أريد أن انضم الى داعش",
        "kafir log ko maar do",
        # a Year 4 pupil
        "i wanna go syria n fight 4 isis",
        "hitlers my hero",
        # evasions
        "j0in 1s1s",
        "h e i l hitler",
        # attacks praised without naming the attacker (Year 10 boys)
        "the nz shooter was a legend fr",
        "honestly the 9/11 hijackers were heroes",
        # drawn to travel in secret (a Year 9 pupil)
        "theres a brother who says the khilafah needs us, he'll pay for my ticket, keep it quiet",
        "the kafirs will pay, inshallah",
        "all the mosques round here should be burned down",
        "our lot do training in the woods every sunday, for when the race war comes",
    ],
)
def test_it_flags_extremism_written_many_ways(scanner: Scanner, text: str) -> None:
    assert "extremism" in categories(scanner, text)


@pytest.mark.parametrize(
    "text",
    [
        # secondary pupils
        "immigrants are rats and should be deported",
        "muslims r all terrorists",
        "i h8 gay people",
        "fucking immigrants everywhere",
        "lgbt people are groomers",
        "romanians are all thieves",
        "disabled people are a waste of space",
        "the gypsies should all be sent back",
        "refugees smell and steal our jobs",
        "shut up you dirty jew",
        "ur such a f4gg0t",
        "stop being a retard",
        "girls should just shut up and look pretty",
        "no muslims allowed in our group",
        # primary pupils
        "you cant play with us cos ur black",
        "nobody talk to the polish kid hes smelly",
        "we dont want a muslim in our group",
        "he called me a paki at lunch",
        # primary pupils' spelling
        "he sed go bak to ur cuntry",
        "my dad says all forin peple shud go home",
        "no black peple aloud in our den",
        "gays shud be shot",
        # a parent
        "I dont want my son in a class with travellers, they are dirty",
        # other languages
        "wracaj do swojego kraju",
        "vete a tu pais",
        "tu es un sale noir",
        "apne mulk wapas jao",
        "ty pedale",
        "cioara",
        # round 2: groups sent back, stinking or stealing, in several languages (secondary pupils)
        "the immigrants at our school should go back to their own countries",
        "ci cyganie kradną i śmierdzą",
        "les roumains c'est tous des voleurs",
        "women cant play ranked, get back in the kitchen",
        "that new lad should go back to romania and take his smelly lunch with him",
    ],
)
def test_it_flags_discrimination_written_many_ways(scanner: Scanner, text: str) -> None:
    assert "discrimination" in categories(scanner, text)


@pytest.mark.parametrize(
    "text",
    [
        # history, RE, citizenship and English lessons
        "Why did so many Germans support the Nazis in 1933? Answer in 6 marks.",
        "In citizenship we learned how ISIS recruits teenagers online and how to report it.",
        "RE homework: explain the difference between greater jihad and lesser jihad",
        "Muslims believe the Quran was revealed to the Prophet Muhammad; the five pillars include zakat",
        "The Troubles in Northern Ireland: explain why the IRA ceasefire in 1994 mattered",
        "in To Kill a Mockingbird Tom Robinson is accused because he is black",
        "Martyrdom of Guru Arjan Dev Ji is remembered this week at the gurdwara",
        "the Taliban banned girls from school in Afghanistan, we wrote letters for Amnesty",
        # a member of staff reporting a concern
        "Please log this on CPOMS: a Year 8 pupil used a racist term towards another pupil at lunch. The DSL has"
        " been informed.",
        # everyday words that look like the category's
        "We read Zog in reception today and the children loved the dragon",
        "Reminder: no nail polish allowed in school, and black shoes only please",
        "you're not allowed to wear your black trainers in PE",
        "I can't come on Saturday because I have Polish school",
        "we go back to pakistan every summer to see my nani",
        "Thank you for your kind words about the trip, Mrs Ahmed",
        "my dad went out for a fag break and locked himself out lol",
        "our cat is a maine coon and she is massive",
        "there was a chink of light under the door",
        "Homo sapiens evolved in Africa about 300,000 years ago",
        "the saints scored a late goal, what a game",
        "I got a new high score on subway surfers!!",
        "kill all the zombies to get to level 3",
        "he's such a legend for helping me with my homework",
        "chinese food is disgusting ngl i prefer pizza",
        "the romanian kids in year 3 are so good at football",
        "the new girl wears a hijab and she is really kind",
        "Can you help move the wheelchair kid's bag to the lift please",
        "immigration rates have gone up according to the BBC",
        "free palestine",
        "the base of the triangle is 6cm",
        "the autistic kids in my class get extra time in exams",
        "the NTP server speeds up the clock",
        # saying the opposite, or studying prejudice
        "We learned that Hitler was not a hero, he was a dictator who caused millions of deaths.",
        "muslims are not terrorists, most muslims condemn terrorism",
        "people who say gays are disgusting are just ignorant",
        "white power ranger is the best one",
        "The teacher explained why saying all Muslims are terrorists is Islamophobia",
        "Ms Khan said the word kafir is used by extremists to divide people",
        "Isis is my cat's name and she loves tuna",
        "long live the king! said the crowd at the coronation",
        "no pets allowed in the flats",
        # round 2: reports, lessons and everyday words next to the new rules (staff, parents, pupils)
        "Tyler keeps saying the n word in PE, can I talk to you about it?",
        "In RE we learned about the hijrah of the Prophet to Medina; bring your ticket for the museum trip",
        "my great grandad flew a lancaster bomber in the war, he was a hero",
        "we go back to poland every summer to see babcia",
        "DofE group: training in the woods on saturday, dm me for the kit list",
        "can we buy fertiliser in bulk for the school garden before the church fete",
        "the poem is about people shouting go back to your country at the windrush generation",
    ],
)
def test_it_keeps_lessons_news_and_everyday_words_quiet(scanner: Scanner, text: str) -> None:
    assert categories(scanner, text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hamas", set()),
        ("the news about hamas tonight", set()),
        ("i support hamas", {"extremism.supports_group"}),
        ("christchurch shooter", set()),
        ("the christchurch shooter is a saint", {"extremism.praises_attacker"}),
        ("muslims", set()),
        ("muslims are the best neighbours", set()),
        ("muslims are vermin", {"discrimination.generalisation"}),
    ],
)
def test_it_needs_support_or_a_predicate_before_a_name_alerts(
    scanner: Scanner, text: str, expected: set[str]
) -> None:
    assert {h.rule for h in scanner.scan(text) if h.category in OURS} == expected


def test_it_lists_the_home_office_proscribed_organisations_with_aliases() -> None:
    terms = set(load_vocabularies()["proscribed_groups"])
    # A sample of the published list, aliases included (the list, not the code, is the source).
    for name in [
        "national action",
        "scottish dawn",
        "system resistance network",
        "sonnenkrieg division",
        "feuerkrieg division",
        "atomwaffen division",
        "terrorgram",
        "hizb ut tahrir",
        "al muhajiroun",
        "islam4uk",
        "hamas",
        "hezbollah",
        "al shabaab",
        "boko haram",
        "daesh",
        "al qaeda",
        "the new ira",
        "ulster volunteer force",
        "pkk",
        "babbar khalsa",
        "wagner group",
        "russian imperial movement",
    ]:
        assert name in terms, name


def test_it_keeps_slurs_in_their_own_reviewed_files() -> None:
    for name in ("slurs_race_religion", "slurs_sexuality_gender_disability"):
        header = (VOCAB / f"{name}.txt").read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("# [slur]"), name
