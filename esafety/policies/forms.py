from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from esafety.core.uploads import LimitedFileField, too_large
from esafety.policies import markdown
from esafety.policies.models import AcknowledgementCampaign, Newsletter, Policy, PolicyReview

MAX_SCAN_BYTES = 10 * 1024 * 1024
# A scan of a paper signature: a PDF or a photo. Checked by content, not by name.
SCAN_SIGNATURES = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MarkdownField(forms.CharField):
    """A body in Markdown: refused with a message (and kept in the box) when it carries HTML or is far too long.

    No ``max_length``: Django would cut nothing, but the browser's maxlength would silently drop the end of a
    paste; ``markdown.problems`` says what is wrong instead.
    """

    widget = forms.Textarea(attrs={"rows": 24, "spellcheck": "true"})

    def validate(self, value: str) -> None:
        super().validate(value)
        found = markdown.problems(value)
        if found:
            raise forms.ValidationError(found)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["kind", "title", "slug", "audience", "owner", "review_due", "review_every_months"]
        widgets = {"review_due": DateInput()}


class VersionForm(forms.Form):
    body = MarkdownField(
        help_text="Markdown: # for a heading, - for a list item, **bold**, [link](https://...)"
    )
    summary_of_changes = forms.CharField(
        max_length=500, required=False, help_text="What changed since the last version, in a sentence or two"
    )
    effective_on = forms.DateField(widget=DateInput(), initial=timezone.localdate)


class GovernorsApprovalForm(forms.Form):
    meeting_on = forms.DateField(label="Date of the governing body meeting", widget=DateInput())
    minute_ref = forms.CharField(label="Minute reference", max_length=100, help_text="e.g. FGB 2026/14")


class PublishForm(forms.Form):
    audience = forms.ChoiceField(
        label="Ask people to acknowledge it",
        choices=[("", "Not now"), *AcknowledgementCampaign.Audience.choices],
        required=False,
        help_text="Starts an acknowledgement campaign as soon as the version is published",
    )
    audience_filter = forms.CharField(
        label="Year group or class",
        max_length=50,
        required=False,
        help_text="Only for one year group or class",
    )
    closes_on = forms.DateField(
        label="Acknowledge by",
        widget=DateInput(),
        required=False,
        help_text="Three weeks from today if left empty",
    )


class CampaignForm(forms.ModelForm):
    class Meta:
        model = AcknowledgementCampaign
        fields = ["version", "audience", "audience_filter", "reason", "closes_on", "remind_every_days"]
        widgets = {"closes_on": DateInput()}
        labels = {
            "version": "Policy version",
            "audience": "Who is asked",
            "audience_filter": "Year group or class",
            "closes_on": "Acknowledge by",
            "remind_every_days": "Remind every (days)",
        }

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from esafety.policies.models import PolicyVersion

        field = self.fields["version"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = PolicyVersion.objects.filter(
            policy__school=school, status=PolicyVersion.Status.PUBLISHED
        ).select_related("policy")
        field.help_text = "Only published versions can be sent out"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        audience = data.get("audience")
        filtered = (
            AcknowledgementCampaign.Audience.PARENTS_YEAR,
            AcknowledgementCampaign.Audience.PARENTS_CLASS,
        )
        if audience in filtered and not (data.get("audience_filter") or "").strip():
            self.add_error("audience_filter", "Give the year group or class.")
        return data


class PaperForm(forms.Form):
    person = forms.ChoiceField(
        label="Who signed", help_text="People of this campaign who have not acknowledged yet"
    )
    signed_on = forms.DateField(label="Date on the paper", widget=DateInput(), initial=timezone.localdate)
    scan = LimitedFileField(
        max_bytes=MAX_SCAN_BYTES,
        label="Scan or photo of the signed paper",
        help_text="PDF, JPEG or PNG, up to 10 MB",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a person"), *choices]

    def clean_scan(self) -> Any:
        scan = self.cleaned_data["scan"]
        if scan.size > MAX_SCAN_BYTES:
            raise forms.ValidationError(
                f"{too_large('', scan.size, MAX_SCAN_BYTES)} Scan at a lower resolution and try again."
            )
        head = scan.read(16)
        scan.seek(0)
        if not head.startswith(SCAN_SIGNATURES):
            raise forms.ValidationError("The scan must be a PDF, JPEG or PNG file.")
        return scan

    def clean_signed_on(self) -> Any:
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError("The date on the paper cannot be in the future.")
        return signed_on


class ReviewForm(forms.ModelForm):
    class Meta:
        model = PolicyReview
        fields = ["reviewed_on", "outcome", "notes", "next_review_on"]
        widgets = {"reviewed_on": DateInput(), "next_review_on": DateInput()}


class NewsletterForm(forms.ModelForm):
    body = MarkdownField(help_text="Markdown, as for policies. Keep it short: parents read it on a phone.")

    class Meta:
        model = Newsletter
        fields = ["term", "title", "body"]
