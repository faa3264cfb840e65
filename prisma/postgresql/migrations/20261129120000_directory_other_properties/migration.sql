-- DirectoryDevice.raw held the whole Graph object, every property of which also has a column of its own.
-- Keep only the properties without a column (decision 006): rows are half as large.
ALTER TABLE "DirectoryDevice" RENAME COLUMN "raw" TO "otherProperties";
UPDATE "DirectoryDevice" SET "otherProperties" = "otherProperties" - ARRAY[
  'id', 'deviceId', 'displayName', 'accountEnabled', 'trustType', 'profileType', 'registrationDateTime',
  'approximateLastSignInDateTime', 'createdDateTime', 'operatingSystem', 'operatingSystemVersion', 'isCompliant',
  'isManaged', 'mdmAppId', 'onPremisesSyncEnabled', 'onPremisesLastSyncDateTime', 'physicalIds', 'alternativeSecurityIds'];
