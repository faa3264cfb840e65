/**
 * Microsoft Graph's `signIn` as `GET /v1.0/auditLogs/signIns` returns it (https://learn.microsoft.com/graph/api/resources/signin,
 * https://learn.microsoft.com/graph/api/signin-list), validated before anything reads it. Only the properties JoinScope
 * reads are checked; the rest pass through. A sign-in always carries `status`: a device object, which also has `id`
 * and `createdDateTime`, does not.
 */
import { z } from "zod";

const text = z.string().nullish();

export const GraphSignInSchema = z
  .object({
    id: z.string().min(1),
    createdDateTime: z.string().datetime({ offset: true }),
    userPrincipalName: text,
    userDisplayName: text,
    userId: text,
    appId: text,
    appDisplayName: text,
    resourceDisplayName: text,
    clientAppUsed: text,
    isInteractive: z.boolean().nullish(),
    ipAddress: text,
    correlationId: text,
    conditionalAccessStatus: text,
    status: z.object({ errorCode: z.number().int(), failureReason: text, additionalDetails: text }).passthrough(),
    deviceDetail: z
      .object({
        deviceId: text,
        displayName: text,
        operatingSystem: text,
        browser: text,
        isCompliant: z.boolean().nullish(),
        isManaged: z.boolean().nullish(),
        trustType: text,
      })
      .passthrough()
      .nullish(),
    appliedConditionalAccessPolicies: z
      .array(
        z
          .object({
            id: text,
            displayName: text,
            enforcedGrantControls: z.array(z.string().nullable()).nullish(),
            result: text,
          })
          .passthrough(),
      )
      .nullish(),
  })
  .passthrough();

export type GraphSignIn = z.infer<typeof GraphSignInSchema>;

export const SignInPageSchema = z
  .object({
    value: z.array(GraphSignInSchema),
    "@odata.nextLink": z.string().url().optional(),
  })
  .passthrough();
