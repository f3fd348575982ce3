-- Reserved for issue 17's task D (branch p17-orders): in branch p17-rights, whose migration is
-- 0022, an empty step so that the numbers stay 1..n without gaps. At the merge, task D's own
-- migration 0021 replaces this file.
SELECT 1;
