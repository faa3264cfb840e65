import { prepareTemplate, testDatabaseKind } from "./databases";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const teardown = await prepareTemplate();
  console.log(`integration tests: database = ${testDatabaseKind()} (run ${process.env.JOINSCOPE_TEST_RUN})`);
  return teardown;
}
