-- Decision 029: a findings pass of several write batches writes its subjects' summary findings columns at its end, in
-- name order; this flag says that a pass began deferring them and has not finished, so the next full pass writes
-- every subject's (lib/findings/run-findings-pass.ts).
ALTER TABLE "Tenant" ADD COLUMN "summaryFindingsPending" BOOLEAN NOT NULL DEFAULT false;
