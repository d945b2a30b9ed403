"""What assessment tells the apps built on it, which assessment may not import."""

from django.dispatch import Signal

# Sent inside the transaction that decided an attempt (passed or failed: every scorer in, a
# test handed in, or a correction, whether it turned the result over or only its score), with
# actor and attempt: a result decided after the training ended (a retake, a corrected score)
# may turn the trainee's 已结业 / 未结业 over, or change what its 说明 quotes
# (certificates.completion).
attempt_decided = Signal()
