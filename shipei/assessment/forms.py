from django import forms
from django.utils.translation import gettext_lazy as _


class CorrectionForm(forms.Form):
    value = forms.CharField(label=_("更正后的分数"), max_length=10)
    reason = forms.CharField(
        label=_("更正原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )


class EssayForm(forms.Form):
    title = forms.CharField(label=_("题目"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 18}))
