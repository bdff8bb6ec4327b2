-- A care home's (or any organisation's) phone number: when the video cannot open, the doctor
-- calls the care home. Written as the API writes it ("04 65 71 12 34" or "+" and digits).
ALTER TABLE organisation ADD COLUMN phone text CHECK (phone IS NULL OR phone ~ '^\+?[0-9 ]{6,20}$');
