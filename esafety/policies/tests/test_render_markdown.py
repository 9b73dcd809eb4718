import re

from django.test import SimpleTestCase

from esafety.policies import markdown

# Hostile bodies, and what must never appear in the rendered HTML (hand-written from the OWASP XSS cheat sheet).
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    "`<script>` in code is text",
    "<style>body{display:none}</style>",
    '[x](https://ok.example "title" onclick=alert(1))',
]
# The only tags a policy may contain, and the only places a link may go.
ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h1",
    "h2",
    "h3",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
SAFE_HREF = ("http://", "https://", "mailto:", "tel:")
TAG = re.compile(r"<\s*([a-zA-Z0-9]+)([^>]*)>")
ATTRIBUTE = re.compile(r'([a-zA-Z-]+)\s*=\s*"([^"]*)"')


class RenderMarkdownTests(SimpleTestCase):
    def test_it_never_lets_script_through(self) -> None:
        for body in HOSTILE:
            with self.subTest(body=body):
                html = str(markdown.render(body))
                for name, attributes in TAG.findall(html):
                    self.assertIn(name.lower(), ALLOWED_TAGS)
                    for attribute, value in ATTRIBUTE.findall(attributes):
                        self.assertFalse(attribute.lower().startswith("on"), attribute)
                        if attribute.lower() in ("href", "src"):
                            self.assertTrue(value.lower().startswith(SAFE_HREF), value)

    def test_it_renders_the_markdown_a_policy_uses(self) -> None:
        html = markdown.render("# Rules\n\n- **Be kind**\n- [Website](https://school.example)\n")
        self.assertIn("<h1>Rules</h1>", html)
        self.assertIn("<strong>Be kind</strong>", html)
        self.assertIn('href="https://school.example"', html)
        self.assertIn('rel="noopener nofollow"', html)

    def test_it_explains_html_and_oversized_bodies(self) -> None:
        self.assertEqual(markdown.problems("# Fine\n\nA < B and C > D."), [])
        self.assertIn("contains HTML", markdown.problems("Hello <b>there</b>")[0])
        self.assertIn("at most 200,000", markdown.problems("x" * 200_001)[0])
