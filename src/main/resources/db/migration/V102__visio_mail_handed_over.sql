-- When the attempt numbered `attempts` began handing the message over (to the mail server, to the SMS provider); cleared
-- when that hand-over ended refused. Set on a row left without a word ("sent" or "failed"): the message may have gone, and
-- the attempt after it knows (MessageAttempt): it says so when it hands the message over again.
ALTER TABLE visio_mail ADD COLUMN handed_over_at timestamptz;
