import { parseArgs } from "node:util";
import { AGENT_DEVICE_STATUSES, DEFAULT_AGENT_DEVICE_LIST_PARAMS, type AgentDeviceStatus } from "@/lib/url-params/agent-device-list-params";
import type { AgentDeviceActionResult } from "@/lib/agent-devices/revoke-agent-device";
import { CliError } from "../cli-error";
import { findTenantRef } from "../find-tenant-ref";

export const AGENTS_USAGE = `joinscope agents list [--tenant GUID|NAME] [--search HOSTNAME] [--status active|rotation|revoked] [--page N] [--format json|text]
joinscope agents revoke ID | agents rotate ID | agents allow-re-enrol ID`;

/** Enrolled devices (decision 011): the same lists and actions as the Agents page, audit-logged as "cli". */
export async function runAgentsCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { db } = await import("@/lib/db/client");
  if (sub === "list") {
    const { values } = parseArgs({
      args: rest,
      options: { tenant: { type: "string" }, search: { type: "string" }, status: { type: "string" }, page: { type: "string" }, format: { type: "string" } },
    });
    if (values.status && !AGENT_DEVICE_STATUSES.includes(values.status as AgentDeviceStatus)) throw new CliError(`usage: ${AGENTS_USAGE}`, 2);
    const tenantRef = await findTenantRef(db, values.tenant);
    const { listAgentDevices } = await import("@/lib/agent-devices/list-agent-devices");
    const page = await listAgentDevices(db, {
      tenantRef,
      params: {
        ...DEFAULT_AGENT_DEVICE_LIST_PARAMS,
        q: values.search ?? "",
        status: (values.status as AgentDeviceStatus | undefined) ?? null,
        page: Math.max(1, Number(values.page ?? "1") || 1),
      },
    });
    if (values.format === "json") {
      process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
      return;
    }
    if (page.total === 0) process.stdout.write("No enrolled devices.\n");
    for (const d of page.rows) {
      const via = d.enrolledVia ? `${d.enrolledVia.name} (${d.enrolledVia.prefix}…)` : "a deleted token";
      process.stdout.write(
        `${d.id}  ${d.hostname}  ${d.status}  last contact ${d.lastSeenAt ?? "never"}  key ${d.keyPrefix}… from ${d.keyIssuedAt}${d.keyDue ? " (due)" : ""}  agent ${d.agentVersion ?? "?"}  enrolled ${d.enrolledAt} via ${via}${d.proof ? `  proven by device certificate ${d.proof.thumbprint}` : ""}\n`,
      );
    }
    if (page.total > page.rows.length)
      process.stdout.write(`Page ${page.page} of ${Math.ceil(page.total / page.pageSize)} (${page.total} devices); --page N for more\n`);
    return;
  }
  const id = rest[0];
  if (!id || rest.length > 1) throw new CliError(`usage: ${AGENTS_USAGE}`, 2);
  if (sub === "revoke") {
    const { revokeAgentDevice } = await import("@/lib/agent-devices/revoke-agent-device");
    return report(await revokeAgentDevice(db, { id, actor: "cli" }), `Revoked device ${id}`, `Device ${id} was already revoked`);
  }
  if (sub === "rotate") {
    const { requestDeviceKeyRotation } = await import("@/lib/agent-devices/request-device-key-rotation");
    return report(
      await requestDeviceKeyRotation(db, { id, actor: "cli" }),
      `Device ${id} gets a new key at its next contact`,
      `Device ${id} already had a rotation requested`,
    );
  }
  if (sub === "allow-re-enrol") {
    const { allowDeviceReEnrolment } = await import("@/lib/agent-devices/allow-device-re-enrolment");
    return report(await allowDeviceReEnrolment(db, { id, actor: "cli" }), `Device ${id} may enrol again`, `Device ${id} was already allowed to enrol again`);
  }
  throw new CliError(`usage: ${AGENTS_USAGE}`, 2);
}

function report(result: AgentDeviceActionResult, changed: string, unchanged: string): void {
  if (!result.ok) throw new CliError(result.error.message);
  process.stdout.write(`${result.changed ? changed : unchanged}\n`);
}
