-- V119's check, validated apart from its addition: reads and writes of appointment go on meanwhile.
ALTER TABLE appointment VALIDATE CONSTRAINT appointment_holds_a_day_at_most;
