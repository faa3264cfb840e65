import Link from "next/link";
import { EmptyState } from "../../../_components/empty-state";

export default function DeviceNotFound() {
  return (
    <EmptyState
      title="Device not found"
      actions={
        <Link href="/devices" className="btn-primary">
          Back to devices
        </Link>
      }
    >
      JoinScope knows no directory object, report or finding for this device in the selected tenant. The link may be for another tenant, or incomplete.
    </EmptyState>
  );
}
