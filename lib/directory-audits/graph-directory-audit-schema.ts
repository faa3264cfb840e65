import { z } from "zod";

const ModifiedProperty = z.object({ displayName: z.string().nullish(), oldValue: z.string().nullish(), newValue: z.string().nullish() });

/** A directoryAudit as Graph returns it (https://learn.microsoft.com/graph/api/resources/directoryaudit), the fields read. */
export const GraphDirectoryAudit = z.object({
  id: z.string().min(1).max(200),
  category: z.string().max(200),
  activityDisplayName: z.string().max(500),
  activityDateTime: z.string().datetime({ offset: true }),
  result: z.string().nullish(),
  initiatedBy: z
    .object({
      user: z.object({ userPrincipalName: z.string().nullish(), displayName: z.string().nullish(), id: z.string().nullish() }).nullish(),
      app: z.object({ displayName: z.string().nullish(), appId: z.string().nullish() }).nullish(),
    })
    .nullish(),
  targetResources: z
    .array(
      z.object({
        id: z.string().nullish(),
        displayName: z.string().nullish(),
        type: z.string().nullish(),
        modifiedProperties: z.array(ModifiedProperty).nullish(),
      }),
    )
    .nullish(),
});
export type GraphDirectoryAudit = z.infer<typeof GraphDirectoryAudit>;

export const DirectoryAuditPageSchema = z.object({
  "@odata.nextLink": z.string().url().optional(),
  value: z.array(GraphDirectoryAudit).max(1000),
});
