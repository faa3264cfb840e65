import Link from "next/link";
import { EmptyState } from "./empty-state";
import { PageHeader } from "./page-header";

/** What a tenant-scoped page shows before any tenant exists. */
export function NoTenantState({ title, items }: { title: string; items: string }) {
  return (
    <>
      <PageHeader title={title} />
      <EmptyState
        title="No tenant registered"
        actions={
          <Link href="/agents" className="btn-primary">
            Register a tenant
          </Link>
        }
      >
        {items} belong to a tenant. Register one on the Agents page first.
      </EmptyState>
    </>
  );
}
