import { formatDateTime } from '../../shared/time.ts';
import type { Robot, RobotVersion } from './robots.service.ts';

// The wire shapes of a robot: the cloud family's robot list (spec/calls-api.md) and Tiller's
// own /v1 robot answers, times in the caller's zone like every /v1 time.

/** An entry of `GET /service/cloud/robot`. */
export function cloudRobotWire(r: Robot) {
  return {
    robot_id: String(r.id),
    robot_name: r.name,
    language: r.language,
    business_type: r.businessLine,
    version: r.version,
  };
}

/** The robot as the /v1 API shows it. */
export function robotWire(r: Robot, zone: string) {
  return {
    robot_id: String(r.id),
    name: r.name,
    business_line: r.businessLine,
    language: r.language,
    version: r.version,
    built_in: r.appId === null,
    updated_at: formatDateTime(r.updatedAt, zone),
  };
}

export function robotVersionWire(v: RobotVersion, zone: string) {
  return { version: v.version, created_at: formatDateTime(v.createdAt, zone) };
}
