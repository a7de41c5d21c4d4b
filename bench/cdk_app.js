// The AWS CDK equivalent of rolec's outputs, for the benchmark: one stack per spec, each
// with an execution role carrying the same statements (read from roles.json).
// Usage: node cdk_app.js ROLES_JSON OUTDIR validate|novalidate
const fs = require("fs");
const cdk = require("aws-cdk-lib");
const iam = require("aws-cdk-lib/aws-iam");

const [rolesFile, outdir, mode] = process.argv.slice(2);
const roles = JSON.parse(fs.readFileSync(rolesFile, "utf8"));
const app = new cdk.App({ outdir });
for (const spec of roles) {
  const stack = new cdk.Stack(app, spec.id);
  const role = new iam.Role(stack, "ExecutionRole", {
    assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
    path: spec.path,
  });
  if (spec.managed) {
    role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonECSTaskExecutionRolePolicy"));
  }
  for (const s of spec.statements) {
    role.addToPolicy(new iam.PolicyStatement({
      sid: s.sid,
      actions: s.actions,
      resources: s.resources.map((r) => (r.includes("${") ? cdk.Fn.sub(r) : r)),
      conditions: s.conditions,
    }));
  }
  new cdk.CfnOutput(stack, "RoleArn", { value: role.roleArn });
}
app.synth({ skipValidation: mode === "novalidate" });
