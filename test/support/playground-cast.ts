/** The seeded demo's people and channels the playground tests use (src/adapters/playground/demo-seed.ts). */
export const PRIYA = 'U-priya'; // the Product Owner
export const ALEX = 'U-alex'; // team Rocket
export const BEA = 'U-bea'; // team Rocket
export const SAM = 'U-sam'; // a stakeholder, reads #rocket
export const ROCKET = 'C-rocket';
export const STAKEHOLDERS = 'C-stakeholders';
/** A person's DM channel with po-desk. */
export const dm = (id: string) => `D-${id}`;
