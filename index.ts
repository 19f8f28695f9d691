// This repository's own Pulumi program: the package's program entry with the built-in vendors and any in config.
import { vendorAccessProgram } from "./program/stackProgram";

export = vendorAccessProgram();
