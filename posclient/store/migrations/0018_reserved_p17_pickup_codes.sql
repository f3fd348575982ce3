-- Placeholder in branch p17-member-tokens only: number 0018 is assigned to another part of
-- issue 17 (pick-up codes). Migrations are numbered without gaps, so this branch needs it to
-- reach 0019. Drop this file at the merge (the other branch brings the real 0018).
SELECT 1;
