#pragma once
// Declarations shared by the two embedding translation units.
int second_tu_check();
int run_core_upload();
