"""What assessment tells the apps built on it, which assessment may not import."""

from django.dispatch import Signal

# Sent inside the transaction that decided an attempt (passed or failed: every scorer in, a
# test handed in, or a correction that turned the result over), with actor and attempt: a
# result decided after the training ended (a retake, a corrected score) may turn the trainee's
# 已结业 / 未结业 over (certificates.completion).
attempt_decided = Signal()
