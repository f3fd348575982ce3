-- Reserved for issue 17's task B (branch p17-audit): in branch p17-member-data, whose migration is
-- 0020, an empty step so that the numbers stay 1..n without gaps. At the merge, task B's own
-- migration 0017 replaces this file.
SELECT 1;
