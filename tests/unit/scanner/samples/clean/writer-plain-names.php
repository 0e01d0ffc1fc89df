<?php
// test fixture (clean): file writers called through variables and callbacks by their plain names
function save_rows(string $file, array $rows, bool $append): void
{
    $writer = 'file_put_contents';
    $writer($file . '.json', json_encode($rows));
    $h = fopen($file . '.csv', $append ? 'a' : 'w');
    foreach ($rows as $row) {
        call_user_func('fwrite', $h, implode(',', $row) . "\n");
    }
    fclose($h);
    $op = $append ? 'append' : 'put';
    $copier = 'copy';
    $copier($file . '.csv', $file . '.' . $op . '.bak');
}
save_rows(__DIR__ . '/export', [[1, 2], [3, 4]], false);
