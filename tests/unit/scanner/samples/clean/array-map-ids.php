<?php
$ids = array_map('intval', $_POST['ids']);
$fields = array_map('trim', $_POST['fields']);
call_user_func('update_order_items', $ids, $fields);
