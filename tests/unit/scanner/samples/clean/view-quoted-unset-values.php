<?php
// a view of a site's admin panel: the framework renders it with the controller's values
// ($path, $cache_dir) made into variables, so the file never sets them; both are quoted by
// PHP's own escapeshellarg() (one as \escapeshellarg, from a namespaced file) before they
// reach the command
?>
<h2>Disk usage</h2>
<pre><?= htmlspecialchars(shell_exec('du -sh ' . escapeshellarg($path))) ?></pre>
<pre><?= htmlspecialchars(shell_exec('ls -1 ' . \escapeshellarg($cache_dir))) ?></pre>
