-- Reserved for issue 17's task C (branch p17-pickup-codes): in branch p17-member-data, whose migration is
-- 0020, an empty step so that the numbers stay 1..n without gaps. At the merge, task C's own
-- migration 0018 replaces this file.
SELECT 1;
