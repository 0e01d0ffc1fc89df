<?php
// a small JSON API: the action picks one of the class's own methods from a whitelist, and the
// posted fields are its arguments; the methods store and read data, one shows the uptime
class Api
{
    public function save($name, $email)
    {
        $db = new PDO('sqlite:' . __DIR__ . '/app.db');
        $st = $db->prepare('INSERT INTO users (name, email) VALUES (?, ?)');
        return $st->execute([$name, $email]);
    }

    public function status()
    {
        return shell_exec('uptime');
    }

    public function find($id)
    {
        return ['id' => (int) $id];
    }
}

$api = new Api();
$action = $_GET['action'] ?? 'status';
if (in_array($action, ['save', 'status'], true)) {
    echo json_encode(call_user_func_array([$api, $action], $_POST));
}
echo json_encode(call_user_func_array([$api, 'find'], [$_GET['id'] ?? 0]));
echo json_encode(call_user_func_array(array('Api', 'status'), []));
