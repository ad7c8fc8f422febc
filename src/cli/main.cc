#include "cli/commands.h"

int main(int argc, char** argv) { return sentinel::cli::Main(argc, argv); }
