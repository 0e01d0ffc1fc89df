<?php
// an admin tool that runs a hook script configured by the administrator; the output
// array it fills has the same name as a form field elsewhere in the file
function next_id_from_hook(array $config, string $dn)
{
    $command = $config['id_hook'] . ' ' . escapeshellarg($dn);
    exec($command, $output, $status);
    return $status === 0 && isset($output[0]) ? (int) $output[0] : null;
}
$output = isset($_POST['output']) ? $_POST['output'] : 'html';
echo $output === 'json' ? '{}' : '<p>ready</p>';
