"""Starter texts for a fictional school, marked as templates: a school adapts them rather than starting from a
blank page. Written for Hollybrook Primary School (fictional); the demo publishes them as version 1.

Each is short on purpose: the school's own detail (names, dates, local arrangements) belongs in its adaptation.
"""

from __future__ import annotations

from dataclasses import dataclass

from esafety.policies.models import Policy

K = Policy.Kind
TEMPLATE_NOTE = (
    "> **Template.** This starter text was written for a fictional school. Adapt it to your school, have it "
    "approved, and remove this note.\n\n"
)


@dataclass(frozen=True)
class Starter:
    kind: str
    title: str
    slug: str
    audience: str
    body: str


STARTERS: tuple[Starter, ...] = (
    Starter(
        K.E_SAFETY,
        "E-Safety Policy",
        "e-safety",
        "All staff, governors, pupils, parents and carers",
        """# E-Safety Policy

## Why we have this policy
Computers, tablets and the internet help children learn. They also bring risks. This policy says how
Hollybrook Primary School keeps pupils and staff safe online, and who does what.

## Who is responsible
- The **Headteacher** is responsible for e-safety and for this policy.
- The **E-Safety Co-ordinator** keeps the safeguarding log of e-safety incidents, leads training and keeps
  this policy up to date.
- The **ICT Technician** runs the filtering and monitoring and checks the school e-mail system.
- **All staff** model safe use, teach e-safety and report any concern at once.
- The **Governing Body** reviews this policy every year.

## Teaching e-safety
- E-safety is taught in every year group, in computing and in PSHE.
- Teachers remind pupils of the Acceptable Use Policy before any activity that uses the internet.
- Pupils learn to tell a trusted adult when something online worries them.

## Filtering and monitoring
- All school internet access is filtered. Staff may ask the E-Safety Co-ordinator to block or unblock a site.
- School e-mail and school devices are monitored. Where unacceptable use is suspected, enhanced monitoring may
  be started with the Headteacher's approval.

## Images and personal information
- We ask for written permission before any image or video of a pupil is published outside school.
- We never publish pupils' contact details.

## Parents and carers
- This policy and its related documents are on the school website.
- Parents receive e-safety information at the start of each term.
- The Parent Code of Conduct (social networking) is signed by all parents and carers every year.

## Visitors and third-party users
Visitors and contractors who use school equipment are told about this policy, the filtering and the
monitoring, and agree to the Acceptable Use Policy.

## Related documents
Acceptable Use Policies (staff and pupils), Safeguarding and Child Protection Policy, Anti-bullying Policy,
ICT Policy, Foundation Stage Policy, Parent Code of Conduct.
""",
    ),
    Starter(
        K.AUP_STAFF,
        "Acceptable Use Policy (staff, governors and visitors)",
        "acceptable-use-staff",
        "All staff, governors, trainee and supply staff, visitors and third-party users",
        """# Acceptable Use Policy for staff, governors and visitors

I understand that school computers, laptops, tablets, e-mail and internet access are provided for
education and for my work at Hollybrook Primary School.

## I will
- keep my passwords private and lock my screen when I leave it;
- use school e-mail for school business, and write every message as if a parent might read it;
- store pupils' personal data only on school systems, never on a personal device or memory stick;
- report any e-safety concern, or any content that upsets a pupil, to the E-Safety Co-ordinator at once;
- remind pupils of their Acceptable Use Policy before any activity that uses the internet.

## I will not
- try to get round the school's filtering or monitoring;
- give my personal phone number, e-mail or social media accounts to pupils or parents;
- take or keep images of pupils on a personal device.

## I understand that
- the school filters internet access and monitors school e-mail and devices;
- this policy applies to school equipment at all times, including at home;
- breaking it may lead to disciplinary action.
""",
    ),
    Starter(
        K.AUP_PUPIL,
        "Acceptable Use Policy (pupils)",
        "acceptable-use-pupils",
        "Pupils and their parents and carers",
        """# Our rules for using computers and tablets

These rules help us stay safe and be kind online.

- I only use the computer or tablet when a grown-up says I can.
- I only go on websites and apps that a grown-up has said are OK.
- I keep my password secret. I only share it with my grown-ups at home.
- I am kind and polite when I send messages.
- I never tell anyone online my address, my phone number or my school.
- I never agree to meet someone I only know online.
- If I see something that upsets me, I turn off the screen and tell a grown-up straight away.

I know the school can see what I do on school computers and tablets.
""",
    ),
    Starter(
        K.SAFEGUARDING,
        "Safeguarding and Child Protection Policy",
        "safeguarding",
        "All staff, governors and volunteers",
        """# Safeguarding and Child Protection Policy

## Our commitment
Everyone at Hollybrook Primary School shares the responsibility to keep children safe, online and offline.

## Designated Safeguarding Lead
The Designated Safeguarding Lead (DSL) and deputies are named on the staff room noticeboard and in the
school office. Any concern about a child goes to the DSL the same day.

## What staff do
- Listen, do not promise to keep a secret, and write down what was said in the child's own words.
- Record the concern in the safeguarding log straight away.
- If a child is in immediate danger, call 999 and then tell the DSL.

## Online safety
Online abuse, grooming, sexting, cyberbullying and radicalisation are safeguarding concerns and follow
this policy. The E-Safety Policy describes filtering, monitoring and teaching.

## Allegations about staff
Concerns about a member of staff go to the Headteacher, or to the Chair of Governors if the concern is about
the Headteacher.
""",
    ),
    Starter(
        K.ANTI_BULLYING,
        "Anti-bullying Policy",
        "anti-bullying",
        "All staff, pupils, parents and carers",
        """# Anti-bullying Policy

Bullying is behaviour that is meant to hurt, happens more than once, and is hard for the person to stop.
It includes **cyberbullying**: unkind messages, posts, images or leaving someone out online.

## What we do
- We teach pupils what bullying is, how to stand up for others, and how to tell an adult.
- Every report is taken seriously, recorded, and followed up with the children and families involved.
- Cyberbullying that happens outside school but affects pupils in school is dealt with as bullying.

## What parents can do
Tell the class teacher or the office. Keep screenshots of unkind messages; do not reply to them.
""",
    ),
    Starter(
        K.ICT,
        "ICT Policy",
        "ict",
        "All staff and governors",
        """# ICT Policy

## Equipment
Teaching staff are provided with a laptop and use of tablets for teaching and professional development.
Equipment is recorded on issue and return. The Acceptable Use Policy applies to it at all times.

## Accounts and passwords
Every user has their own account. Passwords are changed when there is any doubt that they are secret.

## Data
Personal data is kept on school systems only. Removable media are not used without the ICT Technician's
permission; any that are used are encrypted.

## Software
Only software approved by the ICT Technician is installed on school equipment.
""",
    ),
    Starter(
        K.FOUNDATION_STAGE,
        "Foundation Stage Policy",
        "foundation-stage",
        "Staff of Nursery and Reception, parents and carers",
        """# Foundation Stage Policy (Nursery and Reception)

Young children use technology with an adult alongside them.

- Tablets and computers are used for short, purposeful activities with adult supervision.
- Only apps and websites chosen by staff are used.
- Children learn to tell an adult if something on a screen worries them.
- Photographs of children are taken only on school devices, for their learning journey.
- Staff do not use personal phones in the rooms where children are.
""",
    ),
    Starter(
        K.PARENT_CODE,
        "Parent Code of Conduct (social networking)",
        "parent-code-of-conduct",
        "All parents and carers",
        """# Parent Code of Conduct

We want our school to be a kind place, online too. Please agree to these points.

- I will talk to the school first if I am worried about something. I will not post about it online.
- I will not post photos or videos of other people's children without asking their parents.
- I will be polite about staff, children and other families when I post online.
- I will not use social media to share a problem with the school. I will come in and talk to us.
- I will help my child follow the school's rules for being safe online.

The school does not deal with arguments that happen on social media outside school.
Thank you for helping to keep Hollybrook a safe and happy place.
""",
    ),
)


def starter(kind: str) -> Starter:
    return next(item for item in STARTERS if item.kind == kind)
