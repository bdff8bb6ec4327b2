-- A mail server's refusal repeats the address it refused ("550 5.1.1 <jeanne@...>: Recipient address rejected"),
-- and the queue kept it as the message's last error, past the appointment's retention and the person's erasure.
-- Since V121 the node keeps the refusal without its addresses (SmtpMailer.NotSent.ADDRESS, the same pattern: whatever
-- stands around an '@' between spaces and angle brackets, staff intranet domains and literals included, and an
-- address cut by the queue's 500 characters); the errors kept before are cleaned the same way. Rows with an error are
-- few (a refusal, a timeout): the scan is short.
UPDATE visio_mail
SET last_error = regexp_replace(last_error, '[^[:space:]<>]+@[^[:space:]<>]+', '(adresse)', 'g')
WHERE last_error LIKE '%@%';
