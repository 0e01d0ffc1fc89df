<?php
// spamtrace test sample: a camera console's AJAX handler that runs its own tools with values
// it validated, compared, looked up in its own tables or stripped to a safe alphabet
$cmd = tool_command(' -m ' . validInt($_REQUEST['id']));
switch (validJsStr($_REQUEST['command'])) {
    case 'enable':
        $cmd .= ' -e';
        break;
    default:
        $cmd .= ' -q';
}
echo exec(escapeshellcmd($cmd));

$when = isset($_REQUEST['when']) && $_REQUEST['when'] == 'now' ? 'now' : '+1';
exec('sudo -n /sbin/shutdown -P ' . $when . ' 2>&1', $output, $rc);

$actions = array('status' => array('func' => 'zm_status()'), 'load' => array('func' => 'sys_getloadavg()'));
$spec = $actions[strtolower(validJsStr($_REQUEST['entity']))];
$value = eval('return ' . $spec['func'] . ';');

$plugin = preg_replace('/[^-a-zA-Z0-9]/', '', $_REQUEST['pl']);
include_once(dirname(PLUGINS_DIR) . '/' . $plugin . '/config.php');

$event = Event::find_one(array('Id' => $_REQUEST['eid']));
$path = $event->path() . '/snapshot.jpg';
exec(FFMPEG_PATH . ' -i ' . $event->video() . ' -frames:v 1 ' . $path, $out, $ret);
