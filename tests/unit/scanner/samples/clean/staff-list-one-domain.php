<?php
// holiday notice to every member of staff, all at the company's own domain
$staff = ['ann@corp.example', 'bob@corp.example', 'cid@corp.example', 'dan@corp.example',
    'eve@corp.example', 'fay@corp.example', 'gil@corp.example', 'hal@corp.example',
    'ivy@corp.example', 'jon@corp.example', 'kim@corp.example'];
foreach ($staff as $to) {
    mail($to, 'Office closed on Friday', 'The office is closed on Friday for the holiday.');
}
