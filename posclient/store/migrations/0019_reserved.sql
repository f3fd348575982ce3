-- Reserved for issue 17's task E (branch p17-member-tokens): in branch p17-member-data, whose migration is
-- 0020, an empty step so that the numbers stay 1..n without gaps. At the merge, task E's own
-- migration 0019 replaces this file.
SELECT 1;
