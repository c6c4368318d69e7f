import type { VariableType } from '../spoken.ts';
import { calleeVars, templateProblems, templateVariables } from '../template.ts';
import type { RobotDefinition } from './robot-script.ts';

// Which variables a robot may use, what type each is (how it is spoken), and which ones a
// callee must bring. A robot uses the callee fields the task API defines, the slots its own
// `collect` nodes fill, and the custom variables it declares in `variables` (name -> type),
// which callees bring as `extra` items or `extend.variables`. Anything else is a typo and the
// robot is refused: `{platfrom_name}` would be said as nothing on every call.

/**
 * The text fields of a callee in the task API (tasks.schema.ts `Callee`), with how each is said.
 * A test keeps this list equal to the schema's.
 */
export const CALLEE_VARIABLES: Readonly<Record<string, VariableType>> = {
  case_id: 'text',
  callee_number: 'text',
  callee_name: 'text',
  callee_gender: 'text',
  platform_name: 'text',
  extra_a: 'text',
  extra_b: 'text',
  extra_c: 'text',
  comments: 'text',
  borrowed_date: 'date',
  due_date: 'date',
  borrowed_amount: 'amount',
  total_owing_amount: 'amount',
  currency_unit: 'text',
};

const SLOT_TYPES: Readonly<Record<string, VariableType>> = { date: 'date', amount: 'amount' };

/** Every template of a robot, with where it is (for error messages). */
export function robotTemplates(robot: RobotDefinition): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const kind of ['no_input', 'no_match'] as const) {
    robot[kind].reprompts.forEach((text, i) => out.push({ path: `${kind}.reprompts.${i}`, text }));
    out.push({ path: `${kind}.give_up`, text: robot[kind].give_up });
  }
  for (const [id, node] of Object.entries(robot.nodes)) {
    out.push({ path: `nodes.${id}.say`, text: node.say });
    if (node.type === 'verify') out.push({ path: `nodes.${id}.expect`, text: node.expect });
    if (node.type === 'end' && node.say_when_not_listed !== undefined)
      out.push({ path: `nodes.${id}.say_when_not_listed`, text: node.say_when_not_listed });
  }
  return out;
}

/** The slots the robot's `collect` nodes fill: the conversation provides them, not the callee. */
function slotTypes(robot: RobotDefinition): Record<string, VariableType> {
  const slots: Record<string, VariableType> = {};
  for (const node of Object.values(robot.nodes)) {
    if (node.type === 'collect') slots[node.slot] = SLOT_TYPES[node.slot_type] ?? 'text';
  }
  return slots;
}

/** How each variable the robot may use is spoken. */
export function variableTypes(robot: RobotDefinition): Record<string, VariableType> {
  return { ...CALLEE_VARIABLES, ...(robot.variables ?? {}), ...slotTypes(robot) };
}

/** Problems of the robot's templates: syntax, and names that are no variable the robot can have. */
export function variableProblems(robot: RobotDefinition): string[] {
  const known = variableTypes(robot);
  const problems: string[] = [];
  for (const name of Object.keys(robot.variables ?? {})) {
    if (name in CALLEE_VARIABLES)
      problems.push(`variables.${name}: is a callee field already; declare only custom variables`);
  }
  for (const { path, text } of robotTemplates(robot)) {
    for (const problem of templateProblems(text)) problems.push(`${path}: ${problem}`);
    for (const { name } of templateVariables(text)) {
      if (!(name in known))
        problems.push(
          `${path}: "{${name}}" is not a callee field, a slot of this robot or a variable declared in "variables"`,
        );
    }
  }
  return problems;
}

/**
 * The variables the robot needs (used without a fallback outside an optional segment, or
 * compared by a `verify`) that this callee does not bring, sorted. Slots are not counted: the
 * conversation fills them. Task creation reports these as warnings; the call still runs, and
 * the line is said without the missing word.
 */
export function missingVariables(
  robot: RobotDefinition,
  callee: Readonly<Record<string, unknown>>,
): string[] {
  return missingVariablesOf(robot)(callee);
}

/**
 * missingVariables with the robot read once: for a task's whole list of callees, where reading
 * every template again for each of 100,000 callees would cost seconds.
 */
export function missingVariablesOf(
  robot: RobotDefinition,
): (callee: Readonly<Record<string, unknown>>) => string[] {
  const slots = slotTypes(robot);
  const needed = new Set<string>();
  for (const { path, text } of robotTemplates(robot)) {
    const compared = path.endsWith('.expect');
    for (const { name, required } of templateVariables(text)) {
      if ((required || compared) && !(name in slots)) needed.add(name);
    }
  }
  const names = [...needed].sort();
  return (callee) => {
    if (names.length === 0) return [];
    const vars = calleeVars(callee);
    return names.filter((name) => !vars[name]?.trim());
  };
}
