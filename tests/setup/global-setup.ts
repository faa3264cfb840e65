import { prepareTemplate, testDatabaseKind } from "./databases";

export default async function globalSetup(): Promise<void> {
  await prepareTemplate();
  console.log(`integration tests: database = ${testDatabaseKind()}`);
}
