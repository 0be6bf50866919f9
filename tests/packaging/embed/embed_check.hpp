#pragma once
// What core_upload.cpp, the second translation unit, gives main_tu.cpp.
int second_tu_check();
int run_core_upload();
