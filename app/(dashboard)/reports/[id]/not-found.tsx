import Link from "next/link";
import { EmptyState } from "../../../_components/empty-state";

export default function ReportNotFound() {
  return (
    <EmptyState title="Report not found" actions={<Link href="/reports" className="btn-primary">Back to reports</Link>}>
      No report has this id. It may have been removed with its tenant, or the link is incomplete.
    </EmptyState>
  );
}
